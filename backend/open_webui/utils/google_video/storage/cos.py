"""Tencent Cloud COS through the official cos-python-sdk-v5."""

from typing import Optional

from qcloud_cos import CosConfig, CosS3Client

from open_webui.utils.google_video.storage.cloud import CloudStorage


class CosStorage(CloudStorage):
    kind = "cos"

    def __init__(self, bucket: str, region: str, secret_id: str, secret_key: str, domain: str = "",
                 endpoint: str = "", prefix: str = ""):
        """`domain`: a custom domain bound to the bucket (may start with http:// or https://);
        `endpoint`: e.g. cos.ap-guangzhou.myqcloud.com or an internal/accelerated endpoint."""
        super().__init__(prefix)
        self.bucket = bucket
        scheme = "https"
        if domain.startswith(("http://", "https://")):
            scheme, _, domain = domain.partition("://")
        self.base_url = f"{scheme}://{domain}" if domain else None
        self.client = CosS3Client(CosConfig(
            Region=region or None, SecretId=secret_id, SecretKey=secret_key, Scheme=scheme,
            Domain=domain.rstrip("/") or None, Endpoint=endpoint or None, Timeout=60,
        ), retry=2)

    def _put(self, name: str, data: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=self.bucket, Key=name, Body=data, ContentType=content_type)

    def _get(self, name: str) -> bytes:
        return self.client.get_object(Bucket=self.bucket, Key=name)["Body"].get_raw_stream().read()

    def _delete(self, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=name)

    def _create_multipart(self, name: str, content_type: str) -> str:
        return self.client.create_multipart_upload(Bucket=self.bucket, Key=name, ContentType=content_type)["UploadId"]

    def _upload_part(self, name: str, upload_id: str, number: int, data: bytes) -> str:
        return self.client.upload_part(Bucket=self.bucket, Key=name, Body=data, PartNumber=number,
                                       UploadId=upload_id)["ETag"]

    def _complete_multipart(self, name: str, upload_id: str, etags: list[str]) -> None:
        self.client.complete_multipart_upload(
            Bucket=self.bucket, Key=name, UploadId=upload_id,
            MultipartUpload={"Part": [{"ETag": e, "PartNumber": i} for i, e in enumerate(etags, start=1)]},
        )

    def _abort_multipart(self, name: str, upload_id: str) -> None:
        self.client.abort_multipart_upload(Bucket=self.bucket, Key=name, UploadId=upload_id)

    def _presign(self, name: str, seconds: int, download_name: Optional[str]) -> str:
        params = {"response-content-disposition": f'attachment; filename="{download_name}"'} if download_name else {}
        return self.client.get_presigned_url(Bucket=self.bucket, Key=name, Method="GET", Expired=seconds, Params=params)

    def object_url(self, key: str) -> Optional[str]:
        if self.base_url:
            return f"{self.base_url}/{self.name_of(key)}"
        return self.client.get_object_url(Bucket=self.bucket, Key=self.name_of(key))
