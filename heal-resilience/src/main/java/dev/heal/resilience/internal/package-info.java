/** Implementation of heal-resilience: pipeline stages, observers, meters. Not API. */
package dev.heal.resilience.internal;
