"""botocore's own Query protocol code over every operation of the API model
(serve_protocol_test.cpp): the wire format `cachectl serve` speaks checked
against the client that reads and writes it.

  query_protocol_botocore.py MODEL parse FILE
      FILE: {OPERATION: XML response document}. Prints {OPERATION: the
      document botocore's QueryParser makes of it}, timestamps as sent (as
      aws-cli prints them), ResponseMetadata left out (aws-cli does too).
  query_protocol_botocore.py MODEL serialize FILE
      FILE: {OPERATION: request parameters}. Prints {OPERATION: the form body
      botocore's QuerySerializer sends}.
"""
import json
import sys
from urllib.parse import urlencode

from botocore.model import ServiceModel
from botocore.parsers import QueryParser
from botocore.serialize import QuerySerializer

model = ServiceModel(json.load(open(sys.argv[1])), service_name="elasticache")
mode, path = sys.argv[2], sys.argv[3]
documents = json.load(open(path))
out = {}
for name, value in documents.items():
    op = model.operation_model(name)
    if mode == "parse":
        parser = QueryParser(timestamp_parser=lambda text: text)
        parsed = parser.parse({"body": value.encode(), "headers": {}, "status_code": 200},
                              op.output_shape)
        parsed.pop("ResponseMetadata", None)
        out[name] = parsed
    else:
        request = QuerySerializer().serialize_to_request(value, op)
        out[name] = urlencode(request["body"], doseq=True)
print(json.dumps(out))
