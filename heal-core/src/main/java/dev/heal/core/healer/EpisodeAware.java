package dev.heal.core.healer;

/**
 * Implemented by actions that hold something for the length of an episode (a drain holds
 * readiness down, a degrade step holds a degradation level) and must release it when the episode
 * ends, whatever its outcome. Called once per episode in which the action ran (also when it ran
 * only in dry-run), on the thread that decided the end and never under the healer's decision lock;
 * it should be quick. One that throws is logged and healing continues.
 */
public interface EpisodeAware {
  void episodeEnded(String episodeId, Outcome outcome);
}
