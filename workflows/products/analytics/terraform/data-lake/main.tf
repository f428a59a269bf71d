# Data lake for an analytics application: the random provider stands in for object storage and a
# catalog database; replace it with your cloud provider's modules and keep the outputs.
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

resource "random_id" "bucket" {
  byte_length = 4
}

output "bucket" {
  value = "${var.application}-lake-${random_id.bucket.hex}"
}

output "catalog_connection_string" {
  value     = "jdbc:postgresql://${var.application}-catalog.internal:5432/catalog"
  sensitive = true
}
