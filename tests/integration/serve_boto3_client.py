"""boto3 against `cachectl serve` (tests/integration/serve_clients_test.cpp):
a paginator over DescribeCacheParameters, 20 a page (the server cuts the
pages at its Marker), one over DescribeCacheClusters, and a modeled
exception caught by its class. Prints what it found as JSON.

Usage: serve_boto3_client.py ENDPOINT (credentials and region from the
environment)."""
import json
import sys

import boto3

client = boto3.client("elasticache", endpoint_url=sys.argv[1])

pages = 0
names = []
paginator = client.get_paginator("describe_cache_parameters")
for page in paginator.paginate(CacheParameterGroupName="default.redis7",
                               PaginationConfig={"PageSize": 20}):
    pages += 1
    names += [p["ParameterName"] for p in page["Parameters"]]

clusters = []
for page in client.get_paginator("describe_cache_clusters").paginate():
    clusters += [c["CacheClusterId"] for c in page["CacheClusters"]]

not_found = None
status = None
try:
    client.describe_cache_clusters(CacheClusterId="no-such-cluster")
except client.exceptions.CacheClusterNotFoundFault as e:
    not_found = e.response["Error"]["Code"]
    status = e.response["ResponseMetadata"]["HTTPStatusCode"]

print(json.dumps({"pages": pages, "parameter_names": names, "clusters": clusters,
                  "not_found": not_found, "http_status": status}))
