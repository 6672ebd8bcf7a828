package dev.heal.examples.springorders;

import java.math.BigDecimal;

/**
 * One order as stored.
 *
 * @param id the order id
 * @param customerId who ordered
 * @param amount what it costs
 * @param payment PAID or PAYMENT_PENDING
 */
public record Order(String id, String customerId, BigDecimal amount, String payment) {}
