package dev.heal.examples.springorders;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * orders-service the Spring Boot way: the same API, health rule and recovery plans as
 * {@code examples/orders-service}, written as beans, {@code application.yml} and annotations on
 * {@code @Service} classes, with heal-spring-boot-starter doing the wiring.
 */
@SpringBootApplication
@EnableScheduling
public class OrdersApplication {
  public static void main(String[] args) {
    SpringApplication.run(OrdersApplication.class, args);
  }
}
