output "namespace" {
  description = "Namespace of the heal reference deployment."
  value       = kubernetes_namespace_v1.heal["app"].metadata[0].name
}

output "orders_secret_name" {
  description = "Secret holding the database password, the alert token and (if set) the Slack webhook URL."
  value       = kubernetes_secret_v1.orders_service.metadata[0].name
}

output "heal_alerts_url" {
  description = "Where Alertmanager sends alerts for heal (the webhook receiver's url)."
  value       = "http://orders-service.${kubernetes_namespace_v1.heal["app"].metadata[0].name}.svc:8081/heal/alerts"
}

output "releases" {
  description = "Helm releases and their chart versions."
  value = {
    kube-prometheus-stack = helm_release.kube_prometheus_stack.version
    chaos-mesh            = helm_release.chaos_mesh.version
    heal-examples         = helm_release.heal_examples.version
  }
}
