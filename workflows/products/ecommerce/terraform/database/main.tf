# PostgreSQL database for an ecommerce application. The random provider stands in for a managed
# database module; replace it with your cloud provider's module and keep the outputs.
terraform {
  required_providers {
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }
}

variable "application" {
  type = string
}

variable "environment" {
  type = string
}

resource "random_password" "database" {
  length  = 24
  special = false
}

output "database_host" {
  value = "${var.application}-db.${var.environment}.internal"
}

output "database_connection_string" {
  value     = "jdbc:postgresql://${var.application}-db.${var.environment}.internal:5432/${var.application}?user=app&password=${random_password.database.result}"
  sensitive = true
}
