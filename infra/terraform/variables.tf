variable "kubeconfig_path" {
  description = "Path to the kubeconfig Terraform uses to reach the cluster."
  type        = string
  default     = "~/.kube/config"
}

variable "kube_context" {
  description = "kubeconfig context of the target cluster; null uses the current context."
  type        = string
  default     = null
}

variable "namespace" {
  description = "Namespace of the heal reference deployment (the manifests under infra/k8s use heal-demo)."
  type        = string
  default     = "heal-demo"
}

variable "monitoring_namespace" {
  description = "Namespace Terraform creates for kube-prometheus-stack (Prometheus, Alertmanager, Grafana)."
  type        = string
  default     = "monitoring"
}

variable "chaos_namespace" {
  description = "Namespace Terraform creates for Chaos Mesh."
  type        = string
  default     = "chaos-mesh"
}

variable "kube_prometheus_stack_version" {
  description = "Pinned version of the prometheus-community kube-prometheus-stack chart."
  type        = string
  default     = "77.14.0"
}

variable "chaos_mesh_version" {
  description = "Pinned version of the chaos-mesh chart."
  type        = string
  default     = "2.6.3"
}

variable "image_registry" {
  description = "Registry and owner of the example images (cd.yml pushes to ghcr.io/<repository owner>)."
  type        = string
  default     = "ghcr.io/heal-dev"
}

variable "image_tag" {
  description = "Image tag when no digest is given; empty uses the chart's appVersion."
  type        = string
  default     = ""
}

variable "image_digests" {
  description = "Image digests by service (orders-service, payments-service) from a release; a digest wins over the tag."
  type        = map(string)
  default     = {}
}

variable "db_password" {
  description = "PostgreSQL password of the orders user."
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.db_password) >= 16
    error_message = "db_password must be at least 16 characters."
  }
}

variable "alert_token" {
  description = "Bearer token Alertmanager presents to heal's POST /heal/alerts on orders-service."
  type        = string
  sensitive   = true

  validation {
    condition     = length(var.alert_token) >= 32
    error_message = "alert_token must be at least 32 characters (e.g. openssl rand -hex 32)."
  }
}

variable "read_token" {
  description = "Bearer token for reading heal's /heal/episodes and /health details on orders-service; empty leaves those reads closed."
  type        = string
  sensitive   = true
  default     = ""

  validation {
    condition     = var.read_token == "" || length(var.read_token) >= 32
    error_message = "read_token must be empty or at least 32 characters (e.g. openssl rand -hex 32)."
  }
}

variable "slack_webhook_url" {
  description = "Slack incoming-webhook URL for heal's and Alertmanager's notifications; empty turns Slack off."
  type        = string
  sensitive   = true
  default     = ""
}

variable "labels" {
  description = "Labels added to every object Terraform creates."
  type        = map(string)
  default = {
    "app.kubernetes.io/part-of"    = "heal-demo"
    "app.kubernetes.io/managed-by" = "terraform"
  }
}
