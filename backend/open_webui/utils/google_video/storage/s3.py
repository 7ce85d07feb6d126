"""S3-compatible storage through boto3: AWS S3, MinIO, Cloudflare R2 and the like."""

from typing import Optional

import boto3
from botocore.config import Config as BotoConfig

from open_webui.utils.google_video.storage.cloud import CloudStorage


class S3Storage(CloudStorage):
    kind = "s3"

    def __init__(self, bucket: str, region: str, access_key_id: str, secret_access_key: str,
                 endpoint_url: str = "", prefix: str = ""):
        super().__init__(prefix)
        self.bucket = bucket
        self.endpoint_url = endpoint_url or None
        self.client = boto3.session.Session().client(
            "s3",
            region_name=region or "us-east-1",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            # Path style works with every S3-compatible server (MinIO, R2) and with IP endpoints.
            config=BotoConfig(s3={"addressing_style": "path"}, retries={"max_attempts": 3, "mode": "standard"},
                              connect_timeout=10, read_timeout=60),
        )

    def _put(self, name: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=name, Body=data, ContentType=content_type)

    def _get(self, name: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=name)["Body"].read()

    def _delete(self, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=name)

    def _create_multipart(self, name: str, content_type: str) -> str:
        return self.client.create_multipart_upload(Bucket=self.bucket, Key=name, ContentType=content_type)["UploadId"]

    def _upload_part(self, name: str, upload_id: str, number: int, data: bytes) -> str:
        return self.client.upload_part(Bucket=self.bucket, Key=name, UploadId=upload_id, PartNumber=number,
                                       Body=data)["ETag"]

    def _complete_multipart(self, name: str, upload_id: str, etags: list[str]) -> None:
        self.client.complete_multipart_upload(
            Bucket=self.bucket, Key=name, UploadId=upload_id,
            MultipartUpload={"Parts": [{"ETag": e, "PartNumber": i} for i, e in enumerate(etags, start=1)]},
        )

    def _abort_multipart(self, name: str, upload_id: str) -> None:
        self.client.abort_multipart_upload(Bucket=self.bucket, Key=name, UploadId=upload_id)

    def _presign(self, name: str, seconds: int, download_name: Optional[str]) -> str:
        params = {"Bucket": self.bucket, "Key": name}
        if download_name:
            params["ResponseContentDisposition"] = f'attachment; filename="{download_name}"'
        return self.client.generate_presigned_url("get_object", Params=params, ExpiresIn=seconds)

    def object_url(self, key: str) -> Optional[str]:
        base = self.endpoint_url or "https://s3.amazonaws.com"
        return f"{base.rstrip('/')}/{self.bucket}/{self.name_of(key)}"
