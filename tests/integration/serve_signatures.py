"""Signature checks of `cachectl serve --credentials` (serve_requests_test.cpp):
botocore clients signing with a wrong secret, an unknown key, and a body
changed after signing, then the right key. Prints "CASE: STATUS CODE" lines.

Usage: serve_signatures.py ENDPOINT ACCESS_KEY (the right secret in
AWS_SECRET_ACCESS_KEY)."""
import os
import sys

import boto3
import botocore.exceptions

endpoint, key = sys.argv[1], sys.argv[2]
secret = os.environ["AWS_SECRET_ACCESS_KEY"]


def client(access_key, secret_key):
    return boto3.client("elasticache", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=access_key, aws_secret_access_key=secret_key)


def report(case, c):
    try:
        r = c.describe_cache_clusters()
        print(f"{case}: {r['ResponseMetadata']['HTTPStatusCode']}")
    except botocore.exceptions.ClientError as e:
        print(f"{case}: {e.response['ResponseMetadata']['HTTPStatusCode']} "
              f"{e.response['Error']['Code']}")


report("wrong secret", client(key, secret + "x"))
report("unknown key", client("AKIDNOTINTHEFILE", secret))
tampered = client(key, secret)


def tamper(request, **_):
    # After signing, the body asks for something else (of the same length).
    body = request.body if isinstance(request.body, bytes) else request.body.encode()
    request.body = body.replace(b"MaxRecords=", b"MaxRecordz=")


tampered.meta.events.register("before-send.elasticache.DescribeCacheClusters", tamper)
try:
    tampered.describe_cache_clusters(MaxRecords=20)
    print("tampered body: 200")
except botocore.exceptions.ClientError as e:
    print(f"tampered body: {e.response['ResponseMetadata']['HTTPStatusCode']} "
          f"{e.response['Error']['Code']}")
report("right key", client(key, secret))
