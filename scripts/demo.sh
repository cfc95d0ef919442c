#!/usr/bin/env bash
# The main job: create the walkthrough's Redis cluster (or bring it back),
# wait for it, print its endpoint and use it with redis-cli.
set -euo pipefail
cd "$(dirname "$0")/.."
C=build/bin/cachectl
ID=exampleredis

if ! status=$($C describe-cache-clusters --cache-cluster-id $ID \
      --query 'CacheClusters[0].CacheClusterStatus' 2>/dev/null); then
  $C create-cache-cluster --cache-cluster-id $ID --engine redis \
      --cache-node-type cache.t1.micro --num-cache-nodes 1 \
      --preferred-maintenance-window mon:00:00-mon:01:00
elif [ "$status" = '"failed"' ]; then
  # Its daemon is gone (the machine restarted): reboot starts it again.
  $C reboot-cache-cluster --cache-cluster-id $ID --cache-node-ids-to-reboot 0001 >/dev/null
fi
$C wait cache-cluster-available --cache-cluster-id $ID
$C describe-cache-clusters --cache-cluster-id $ID --show-cache-node-info \
    --query 'CacheClusters[0].CacheNodes[0].Endpoint'
address=$($C describe-cache-clusters --cache-cluster-id $ID --show-cache-node-info \
    --query 'CacheClusters[0].CacheNodes[0].Endpoint.Address' | tr -d '"')
port=$($C describe-cache-clusters --cache-cluster-id $ID --show-cache-node-info \
    --query 'CacheClusters[0].CacheNodes[0].Endpoint.Port')
echo "redis-cli -h $address -p $port set greeting hello: $(redis-cli -h "$address" -p "$port" set greeting hello)"
