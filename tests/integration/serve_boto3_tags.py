"""boto3 against `cachectl serve` (tests/integration/serve_tags_test.cpp), as
Terraform's provider uses the API: a subnet group and a cluster created with
tags, the tags read back by the ARN the create answered with, changed and
read again; the modeled exceptions of a reserved key and a missing cluster.
Prints what it found as JSON.

Usage: serve_boto3_tags.py ENDPOINT SUBNET (credentials and region from the
environment)."""
import json
import sys

import boto3

client = boto3.client("elasticache", endpoint_url=sys.argv[1])
out = {}

group = client.create_cache_subnet_group(
    CacheSubnetGroupName="tf-subnets", CacheSubnetGroupDescription="terraform",
    SubnetIds=[sys.argv[2]], Tags=[{"Key": "owner", "Value": "tf"}])["CacheSubnetGroup"]
out["subnet_group_tags"] = client.list_tags_for_resource(ResourceName=group["ARN"])["TagList"]

cluster = client.create_cache_cluster(
    CacheClusterId="tf-cache", Engine="redis", CacheNodeType="cache.t3.micro",
    NumCacheNodes=1, CacheSubnetGroupName="tf-subnets",
    Tags=[{"Key": "Name", "Value": "tf-cache"}, {"Key": "env", "Value": "test"}])["CacheCluster"]
arn = cluster["ARN"]
out["arn"] = arn
out["created_tags"] = client.list_tags_for_resource(ResourceName=arn)["TagList"]
client.add_tags_to_resource(ResourceName=arn, Tags=[{"Key": "env", "Value": "prod"},
                                                    {"Key": "team", "Value": "cache"}])
client.remove_tags_from_resource(ResourceName=arn, TagKeys=["Name"])
out["changed_tags"] = client.list_tags_for_resource(ResourceName=arn)["TagList"]

try:
    client.add_tags_to_resource(ResourceName=arn, Tags=[{"Key": "aws:x", "Value": "y"}])
except client.exceptions.InvalidParameterValueException as e:
    out["reserved_key"] = e.response["Error"]["Code"]
try:
    client.list_tags_for_resource(
        ResourceName=arn.replace(":cluster:tf-cache", ":cluster:no-such-cache"))
except client.exceptions.CacheClusterNotFoundFault as e:
    out["not_found"] = e.response["Error"]["Code"]

print(json.dumps(out))
