#!/usr/bin/env bash
# Terraform's AWS provider against `cachectl serve`: a parameter group and a
# Redis cluster created, read back with no drift (`plan` finds nothing to
# change), the endpoint answering redis-cli, then destroyed, leaving no
# process behind.
#
# Not part of CTest: Terraform and its AWS provider are not Debian packages.
# It needs `terraform` on PATH and the hashicorp/aws provider in a filesystem
# mirror (TF_PLUGIN_MIRROR, default /opt/tf-plugins, laid out as
# registry.terraform.io/hashicorp/aws/VERSION/...). About a minute: the
# provider polls a creating or deleting cluster every 30 s.
set -euo pipefail
cd "$(dirname "$0")/.."
C=${CACHECTL:-$PWD/build/bin/cachectl}
MIRROR=${TF_PLUGIN_MIRROR:-/opt/tf-plugins}
command -v terraform >/dev/null || { echo "terraform is not on PATH" >&2; exit 2; }
VERSION=$(ls "$MIRROR/registry.terraform.io/hashicorp/aws" 2>/dev/null | sort -V | tail -1)
[ -n "$VERSION" ] || { echo "no hashicorp/aws provider under $MIRROR" >&2; exit 2; }

HOME_DIR=$(mktemp -d /tmp/cachectl-tf-home-XXXXXX)
WORK=$(mktemp -d /tmp/cachectl-tf-XXXXXX)
SERVE_PID=
cleanup() {
  trap - EXIT
  [ -n "$SERVE_PID" ] && kill "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null
  # Whatever a failed run left: this home's daemons and engines.
  for pid in $(grep -l "$HOME_DIR" /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3); do
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$HOME_DIR" "$WORK"
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$C" --state-dir "$HOME_DIR" serve --listen "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
SERVE_PID=$!
for _ in $(seq 100); do
  grep -q Listening "$WORK/serve.log" && break
  sleep 0.05
done
ENDPOINT=http://127.0.0.1:$PORT

cat >"$WORK/cli.tfrc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
}
EOF
cat >"$WORK/main.tf" <<EOF
variable "endpoint" { type = string }
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "$VERSION" }
  }
}
provider "aws" {
  region                      = "us-east-1"
  access_key                  = "local"
  secret_key                  = "local"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  endpoints { elasticache = var.endpoint }
}
resource "aws_elasticache_parameter_group" "pg" {
  name   = "tf-params"
  family = "redis7"
  parameter {
    name  = "maxmemory-policy"
    value = "allkeys-lru"
  }
  tags = { team = "cache" }
}
resource "aws_elasticache_cluster" "c" {
  cluster_id           = "tf-cache"
  engine               = "redis"
  node_type            = "cache.t3.micro"
  num_cache_nodes      = 1
  parameter_group_name = aws_elasticache_parameter_group.pg.name
  tags                 = { env = "dev" }
}
output "address" { value = aws_elasticache_cluster.c.cache_nodes[0].address }
EOF

export TF_CLI_CONFIG_FILE=$WORK/cli.tfrc TF_IN_AUTOMATION=1
tf() { terraform -chdir="$WORK" "$@" -input=false -no-color -var "endpoint=$ENDPOINT"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

terraform -chdir="$WORK" init -input=false -no-color >/dev/null
tf apply -auto-approve >"$WORK/apply.log" 2>&1 || { cat "$WORK/apply.log" >&2; fail "terraform apply"; }
ADDRESS=$(terraform -chdir="$WORK" output -raw address)
echo "terraform apply: cluster tf-cache at $ADDRESS"
[ "$(redis-cli -h "$ADDRESS" -p 6379 PING)" = PONG ] || fail "redis-cli PING $ADDRESS"
# The command line sees what Terraform made, tags included.
"$C" --state-dir "$HOME_DIR" describe-cache-clusters --cache-cluster-id tf-cache \
  --query 'CacheClusters[0].CacheParameterGroup.CacheParameterGroupName' --output text |
  grep -qx tf-params || fail "tf-cache does not use tf-params"
"$C" --state-dir "$HOME_DIR" list-tags-for-resource \
  --resource-name arn:aws:elasticache:us-east-1:000000000000:cluster:tf-cache \
  --query 'TagList[?Key==`env`].Value' --output text | grep -qx dev || fail "tag env=dev"
set +e
tf plan -detailed-exitcode >"$WORK/plan.log" 2>&1
plan=$?
set -e
[ "$plan" -eq 0 ] || { cat "$WORK/plan.log" >&2; fail "terraform plan finds drift (exit $plan)"; }
echo "terraform plan: no changes"
tf destroy -auto-approve >"$WORK/destroy.log" 2>&1 || { cat "$WORK/destroy.log" >&2; fail "terraform destroy"; }
# Node daemons name the home on their command line; engines run in it.
left=0
for d in /proc/[0-9]*; do
  if { tr '\0' ' ' <"$d/cmdline"; } 2>/dev/null | grep -q "cachectl-node .*$HOME_DIR" ||
    [[ "$(readlink "$d/cwd" 2>/dev/null)" == "$HOME_DIR"/* ]]; then
    left=$((left + 1))
  fi
done
[ "$left" -eq 0 ] || fail "$left processes of the home left after destroy"
echo "terraform destroy: nothing left running"
echo "PASS"
