"""A local S3-API object store on 127.0.0.1 (moto's S3 backend app), for tests and benchmarks of
the COS and S3 storage backends. COS mirrors the S3 object API, so the official COS SDK talks to
it through a custom domain that maps to path-style bucket URLs.

moto's all-services server picks the service from a SigV4 Authorization header and fails on COS's
own signature format, so this serves the S3 app alone:  python -m devstack.object_store --port P
"""

import argparse
import subprocess
import sys
from pathlib import Path
from typing import Optional

import boto3
from botocore.config import Config

from devstack.processes import _terminate, free_port, wait_http

ACCESS_KEY_ID = "AKIAGOOGLEVIDEOTEST"
SECRET_ACCESS_KEY = "local-object-store-secret-key"
REGION = "ap-guangzhou"


class ObjectStore:
    def __init__(self, log_dir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"object-store-{self.port}.log"
        self.proc: Optional[subprocess.Popen] = None

    def start(self) -> "ObjectStore":
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "devstack.object_store", "--port", str(self.port)],
            cwd=Path(__file__).resolve().parent.parent, stdout=self.log.open("wb"), stderr=subprocess.STDOUT,
        )
        wait_http(f"{self.url}/", 60, self.proc, self.log)
        return self

    def stop(self) -> None:
        _terminate(self.proc)

    def client(self):
        return boto3.client("s3", endpoint_url=self.url, region_name=REGION, aws_access_key_id=ACCESS_KEY_ID,
                            aws_secret_access_key=SECRET_ACCESS_KEY, config=Config(s3={"addressing_style": "path"}))

    def create_bucket(self, name: str) -> str:
        self.client().create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
        return name

    def keys(self, bucket: str) -> list[str]:
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return [o["Key"] for page in pages for o in page.get("Contents", [])]

    def get(self, bucket: str, key: str) -> bytes:
        return self.client().get_object(Bucket=bucket, Key=key)["Body"].read()

    def s3_settings(self, bucket: str, prefix: str = "") -> dict:
        return {"storage_backend": "s3", "s3_endpoint_url": self.url, "s3_region": REGION, "s3_bucket": bucket,
                "s3_access_key_id": ACCESS_KEY_ID, "s3_secret_access_key": SECRET_ACCESS_KEY, "storage_prefix": prefix}

    def cos_settings(self, bucket: str, prefix: str = "") -> dict:
        # A custom domain bound to the bucket: the SDK sends http://<domain>/<key>.
        return {"storage_backend": "cos", "cos_region": REGION, "cos_bucket": bucket,
                "cos_domain": f"http://127.0.0.1:{self.port}/{bucket}", "cos_secret_id": ACCESS_KEY_ID,
                "cos_secret_key": SECRET_ACCESS_KEY, "storage_prefix": prefix}


if __name__ == "__main__":
    from moto.moto_server.werkzeug_app import create_backend_app
    from werkzeug.serving import run_simple

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    run_simple("127.0.0.1", parser.parse_args().port, create_backend_app("s3"), threaded=True)
