package dev.heal.core.healer;

/**
 * Receives every {@link HealEvent}, in the order the healer decided them, on the healer's event
 * thread — never while the healer holds its decision lock. A listener may be slow, may block
 * (it then delays only later events to the listeners, never a decision), may call back into the
 * healer (raise, resolve, close: the call is decided like any other), and may throw: any exception
 * or error other than a {@link VirtualMachineError} is counted, logged once and isolated. Events
 * that do not fit the bounded queue are dropped and counted ({@code Healer.droppedEvents()}).
 */
@FunctionalInterface
public interface HealerListener {
  void onEvent(HealEvent event);
}
