# Installs the whole reference deployment on an existing cluster (Kubernetes >= 1.30):
#   1. namespaces heal-demo, monitoring and chaos-mesh;
#   2. the Secret orders-service-secrets from sensitive variables (never in git);
#   3. kube-prometheus-stack (Prometheus Operator, Prometheus, Alertmanager, Grafana) and
#      chaos-mesh from their Helm repositories, chart versions pinned;
#   4. heal's dashboard for Grafana's sidecar;
#   5. the app chart infra/helm/heal-examples with its PrometheusRule, PodMonitor and
#      AlertmanagerConfig (generated from infra/prometheus and infra/alertmanager).

locals {
  namespaces = {
    app        = var.namespace
    monitoring = var.monitoring_namespace
    chaos      = var.chaos_namespace
  }
  # The label kube-prometheus-stack selects rules, monitors and Alertmanager configs by.
  operator_labels = { release = "kube-prometheus-stack" }
}

resource "kubernetes_namespace_v1" "heal" {
  for_each = local.namespaces

  metadata {
    name = each.value
    # Only the app namespace is restricted: chaos-mesh's daemon and the node exporter need more.
    labels = merge(var.labels, each.key == "app" ? { "pod-security.kubernetes.io/enforce" = "restricted" } : {})
  }
}

resource "kubernetes_secret_v1" "orders_service" {
  metadata {
    name      = "orders-service-secrets"
    namespace = kubernetes_namespace_v1.heal["app"].metadata[0].name
    labels    = merge(var.labels, { "app.kubernetes.io/name" = "orders-service" })
  }

  type = "Opaque"

  # An empty Slack URL or read token leaves its key out (the pods read both as optional) instead
  # of storing "".
  data = merge(
    {
      "db-password" = var.db_password
      "alert-token" = var.alert_token
    },
    var.slack_webhook_url == "" ? {} : { "slack-webhook-url" = var.slack_webhook_url },
    var.read_token == "" ? {} : { "read-token" = var.read_token }
  )
}

resource "helm_release" "kube_prometheus_stack" {
  name       = "kube-prometheus-stack"
  repository = "https://prometheus-community.github.io/helm-charts"
  chart      = "kube-prometheus-stack"
  version    = var.kube_prometheus_stack_version
  namespace  = kubernetes_namespace_v1.heal["monitoring"].metadata[0].name

  values = [yamlencode({
    prometheus = {
      prometheusSpec = {
        ruleSelector                = { matchLabels = local.operator_labels }
        podMonitorSelector          = { matchLabels = local.operator_labels }
        ruleNamespaceSelector       = {}
        podMonitorNamespaceSelector = {}
        evaluationInterval          = "15s"
        scrapeInterval              = "15s"
      }
    }
    alertmanager = {
      alertmanagerSpec = {
        alertmanagerConfigSelector          = { matchLabels = local.operator_labels }
        alertmanagerConfigNamespaceSelector = {}
      }
    }
    grafana = {
      sidecar = { dashboards = { enabled = true, label = "grafana_dashboard", searchNamespace = "ALL" } }
    }
  })]
}

resource "helm_release" "chaos_mesh" {
  name       = "chaos-mesh"
  repository = "https://charts.chaos-mesh.org"
  chart      = "chaos-mesh"
  version    = var.chaos_mesh_version
  namespace  = kubernetes_namespace_v1.heal["chaos"].metadata[0].name

  values = [yamlencode({
    # Experiments only in the app namespace (infra/chaos-mesh selects heal-demo).
    controllerManager = { enableFilterNamespace = true }
    dashboard         = { securityMode = true }
  })]
}

# Grafana's sidecar loads ConfigMaps labelled grafana_dashboard from any namespace.
resource "kubernetes_config_map_v1" "heal_dashboard" {
  metadata {
    name      = "heal-dashboard"
    namespace = kubernetes_namespace_v1.heal["monitoring"].metadata[0].name
    labels    = merge(var.labels, { grafana_dashboard = "1" })
  }

  data = {
    "heal.json" = file("${path.module}/../grafana/dashboards/heal.json")
  }
}

resource "helm_release" "heal_examples" {
  name      = "heal-examples"
  chart     = "${path.module}/../helm/heal-examples"
  namespace = kubernetes_namespace_v1.heal["app"].metadata[0].name

  values = [yamlencode({
    namespace       = kubernetes_namespace_v1.heal["app"].metadata[0].name
    createNamespace = false
    image           = { registry = var.image_registry, tag = var.image_tag, digests = var.image_digests }
    secrets         = { name = kubernetes_secret_v1.orders_service.metadata[0].name, create = false }
    monitoring = {
      namespace          = kubernetes_namespace_v1.heal["monitoring"].metadata[0].name
      labels             = local.operator_labels
      prometheusRule     = { enabled = true }
      podMonitor         = { enabled = true }
      alertmanagerConfig = { enabled = true }
    }
  })]

  # Only whether Slack is on reaches the chart's AlertmanagerConfig; the URL itself stays in the Secret.
  set_sensitive {
    name  = "slack.webhookUrl"
    value = var.slack_webhook_url
  }

  # The operator's CRDs must exist before the chart's PrometheusRule and friends.
  depends_on = [helm_release.kube_prometheus_stack]
}
