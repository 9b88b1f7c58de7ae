#!/usr/bin/env python3
"""Print botocore's SigV4 canonical request, string to sign and signature for the S3 and Glue
requests in tests/aws/sigv4_services_test.cc. Run offline, at development time only:

    python3 tests/aws/testdata/botocore_sigv4_vectors.py

Checked with botocore 1.43.11. The test file carries the printed values as literals, so neither
Python nor botocore is needed to run the tests.
"""
import datetime
import logging
from unittest import mock

import botocore.auth as auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

captured = []


class Capture(logging.Handler):
    def emit(self, record):
        captured.append(record.getMessage())


log = logging.getLogger('botocore.auth')
log.setLevel(logging.DEBUG)
log.addHandler(Capture())


def sign(cls, service, region, creds, when, method, url, headers, body=b'', params=None,
         unsigned=False):
    req = AWSRequest(method=method, url=url, headers=headers, data=body, params=params or {})
    if unsigned:  # S3 with payload signing off: x-amz-content-sha256 = UNSIGNED-PAYLOAD
        req.context['client_config'] = Config(s3={'payload_signing_enabled': False})
    with mock.patch('botocore.auth.get_current_datetime', return_value=when):
        cls(creds, service, region).add_auth(req)
    print('====', method, url, params)
    for message in captured:  # CanonicalRequest, StringToSign, Signature (botocore's debug log)
        print(message)
    captured.clear()
    print('Authorization:', req.headers['Authorization'])
    print()


S3_KEYS = Credentials('AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')
S3_TOKEN = Credentials('AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
                       'FQoGZXIvYXdzEXAMPLE/token+=')
GLUE_KEYS = Credentials('AKIDEXAMPLE', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY')
GLUE_TOKEN = Credentials('AKIDEXAMPLE', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
                         'IQoJb3JpZ2luX2VjEXAMPLETOKEN//==')
T_2013 = datetime.datetime(2013, 5, 24, 0, 0, 0)
T_2015 = datetime.datetime(2015, 8, 30, 12, 36, 0)
T_LEAP = datetime.datetime(2024, 2, 29, 23, 59, 59)

# PutObject of key "dir/a b+c=d ü.json" (path encoded once), UNSIGNED-PAYLOAD.
sign(auth.S3SigV4Auth, 's3', 'us-east-1', S3_KEYS, T_2013, 'PUT',
     'https://examplebucket.s3.us-east-1.amazonaws.com/dir/a%20b%2Bc%3Dd%20%C3%BC.json',
     {'Host': 'examplebucket.s3.us-east-1.amazonaws.com', 'Content-Length': '5',
      'Content-MD5': 'XUFAKrxLKna5cZ2REBfFkg==', 'Content-Type': 'application/octet-stream'},
     body=b'hello', unsigned=True)
# ListObjectsV2 with a session token and query values holding '/', '+', '=', space and UTF-8.
sign(auth.S3SigV4Auth, 's3', 'eu-west-1', S3_TOKEN, T_LEAP, 'GET',
     'https://examplebucket.s3.eu-west-1.amazonaws.com/',
     {'Host': 'examplebucket.s3.eu-west-1.amazonaws.com'},
     params=[('list-type', '2'), ('prefix', 'dir/a b+ü'), ('continuation-token', 'a+b/c='),
             ('delimiter', '/'), ('encoding-type', 'url')])
# CreateMultipartUpload (?uploads, an empty value), path style, local endpoint with a port.
sign(auth.S3SigV4Auth, 's3', 'us-east-1', S3_KEYS, T_2013, 'POST',
     'http://127.0.0.1:5055/examplebucket/data/part%20one.json',
     {'Host': '127.0.0.1:5055'}, params=[('uploads', '')])
# Glue GetDatabase: the worked example of docs/AWS-WIRE.md#worked-glue-example.
sign(auth.SigV4Auth, 'glue', 'us-east-1', GLUE_KEYS, T_2015, 'POST',
     'https://glue.us-east-1.amazonaws.com/',
     {'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AWSGlue.GetDatabase'},
     body=b'{"Name":"db1"}')
# Glue CreateTable with a session token; User-Agent is sent but never signed.
sign(auth.SigV4Auth, 'glue', 'eu-west-1', GLUE_TOKEN, T_LEAP, 'POST',
     'https://glue.eu-west-1.amazonaws.com/',
     {'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AWSGlue.CreateTable',
      'User-Agent': 'destination-aws-datalake/0.1.0'},
     body=b'{"DatabaseName":"db1","TableInput":{"Name":"t 1"}}')
