# Provisions what the manifests in infra/k8s expect to exist but must not carry in git: the
# namespace, the secrets (from sensitive variables) and orders-service's service account (bound
# to heal-k8s's Role by infra/k8s/base/heal-k8s-rbac.yaml). Then apply the workloads with
#   kubectl apply -k infra/k8s/overlays/terraform
# which leaves out the Namespace and ServiceAccount that Terraform owns.

resource "kubernetes_namespace_v1" "heal" {
  metadata {
    name = var.namespace
    labels = merge(var.labels, {
      "pod-security.kubernetes.io/enforce" = "restricted"
    })
  }
}

resource "kubernetes_secret_v1" "orders_service" {
  metadata {
    name      = "orders-service-secrets"
    namespace = kubernetes_namespace_v1.heal.metadata[0].name
    labels    = merge(var.labels, { "app.kubernetes.io/name" = "orders-service" })
  }

  type = "Opaque"

  data = {
    "db-password"       = var.db_password
    "alert-token"       = var.alert_token
    "slack-webhook-url" = var.slack_webhook_url
  }
}

# Mounted by Alertmanager at /etc/alertmanager/secrets (credentials_file and api_url_file in
# infra/alertmanager/alertmanager.yml).
resource "kubernetes_secret_v1" "alertmanager_heal" {
  metadata {
    name      = "alertmanager-heal"
    namespace = var.monitoring_namespace
    labels    = merge(var.labels, { "app.kubernetes.io/name" = "alertmanager" })
  }

  type = "Opaque"

  data = {
    "heal-alert-token"  = var.alert_token
    "slack-webhook-url" = var.slack_webhook_url
  }
}

resource "kubernetes_service_account_v1" "orders_service" {
  metadata {
    name      = "orders-service"
    namespace = kubernetes_namespace_v1.heal.metadata[0].name
    labels    = merge(var.labels, { "app.kubernetes.io/name" = "orders-service" })
  }

  # heal-k8s calls the API server with this account's token.
  automount_service_account_token = true
}
