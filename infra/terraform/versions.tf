terraform {
  required_version = ">= 1.5.0"

  required_providers {
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = "~> 2.35"
    }
    helm = {
      source  = "hashicorp/helm"
      version = "~> 2.17"
    }
  }

  # State holds the secrets' values, so it never stays on a laptop in plain text: it lives in a
  # Secret of the target cluster (encrypted at rest where the cluster encrypts Secrets), with a
  # Lease as the lock. The cluster is given at init time:
  #   terraform init -backend-config="config_path=$HOME/.kube/config"
  # Any other remote backend (s3, gcs, azurerm) works the same way; see infra/README.md.
  backend "kubernetes" {
    secret_suffix = "heal-reference"
    namespace     = "kube-system"
  }
}

provider "kubernetes" {
  config_path    = var.kubeconfig_path
  config_context = var.kube_context
}

provider "helm" {
  kubernetes {
    config_path    = var.kubeconfig_path
    config_context = var.kube_context
  }
}
