output "namespace" {
  description = "Namespace of the heal reference deployment."
  value       = kubernetes_namespace_v1.heal.metadata[0].name
}

output "orders_service_account" {
  description = "Service account the orders-service pods run as (bound to Role heal-k8s)."
  value       = kubernetes_service_account_v1.orders_service.metadata[0].name
}

output "orders_secret_name" {
  description = "Secret holding the database password, the alert token and the Slack webhook URL."
  value       = kubernetes_secret_v1.orders_service.metadata[0].name
}

output "alertmanager_secret_name" {
  description = "Secret to mount into Alertmanager at /etc/alertmanager/secrets."
  value       = kubernetes_secret_v1.alertmanager_heal.metadata[0].name
}

output "heal_alerts_url" {
  description = "Where Alertmanager sends alerts for heal (the webhook receiver's url)."
  value       = "http://orders-service.${kubernetes_namespace_v1.heal.metadata[0].name}.svc:8081/heal/alerts"
}
