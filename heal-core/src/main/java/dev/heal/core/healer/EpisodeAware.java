package dev.heal.core.healer;

/**
 * Implemented by actions that hold something for the length of an episode (a drain holds
 * readiness down, a degrade step holds a degradation level) and must release it when the episode
 * ends, whatever its outcome. Called once per episode in which the action ran, on the healer's
 * thread; must be quick and must not throw.
 */
public interface EpisodeAware {
  void episodeEnded(String episodeId, Outcome outcome);
}
