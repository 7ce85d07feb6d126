"""Vertex AI's Veo endpoints, per docs/providers/gemini_veo.md: an OAuth token endpoint that
checks the service account's signed JWT, predictLongRunning / fetchPredictOperation under a
publisher model path, and a small Cloud Storage (JSON API) for gs:// inputs and outputs."""

import base64
import binascii
import json
import secrets
import time
import uuid
from pathlib import Path
from typing import Optional

import jwt
from cryptography.hazmat.primitives import serialization
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from relay_simulator.hostile_echo import echoed
from relay_simulator.veo_common import (MODELS, GoogleError, SimState, VeoTask, filtered_fields, front_end_error,
                                        install_common,
                                        operation, parse_request)

RESPONSE_TYPE = "type.googleapis.com/cloud.ai.large_models.vision.GenerateVideoResponse"
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
SCOPE = "https://www.googleapis.com/auth/cloud-platform"
# google-auth always signs for Google's own token endpoint, whatever token_uri says, and Google
# accepts that; a client signing for the token_uri it posts to is accepted too.
GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
TOKEN_LIFETIME = 3599
UNAUTHENTICATED = ("Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie "
                   "or other valid authentication credential.")


def _split_gs(uri: str) -> Optional[tuple[str, str]]:
    if not isinstance(uri, str) or not uri.startswith("gs://"):
        return None
    bucket, _, name = uri[5:].partition("/")
    return (bucket, name) if bucket and name else None


def _output_prefix(storage_uri: str) -> tuple[str, str]:
    """gs://bucket/some/prefix -> ("bucket", "some/prefix/"): outputs go under the prefix as a folder."""
    bucket, _, prefix = storage_uri[5:].partition("/")
    return bucket, prefix if not prefix or prefix.endswith("/") else prefix + "/"


def _oauth_error(error: str, description: str) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=400)


def create_vertex_app(service_account_path: str) -> FastAPI:
    sa = json.loads(Path(service_account_path).read_text())
    project, client_email, token_uri = sa["project_id"], sa["client_email"], sa["token_uri"]
    public_key = serialization.load_pem_private_key(sa["private_key"].encode(), password=None).public_key()

    app = FastAPI(title="Vertex AI Veo simulator")
    state = SimState()
    tokens: dict[str, float] = {}  # access token -> expiry time
    uploads: dict[tuple[str, str], tuple[bytes, str]] = {}  # (bucket, object) -> (bytes, content type)
    outputs: dict[tuple[str, str], tuple[VeoTask, int]] = {}  # (bucket, object) -> (task, sample index)
    # Tokens survive a reset on purpose: a client's cached token stays valid, like Google's would.
    install_common(app, state, on_reset=lambda: (uploads.clear(), outputs.clear()))

    def check_token(request: Request) -> None:
        auth = request.headers.get("authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else None
        if token is None or tokens.get(token, 0) < time.time():
            details = None if auth else [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                                          "reason": "CREDENTIALS_MISSING", "domain": "googleapis.com"}]
            raise GoogleError(401, UNAUTHENTICATED, details)

    def echo(request: Request, scenario) -> str:
        """What a careless service does: repeat the caller's credential in an error text."""
        return echoed(scenario, "Authorization", request.headers.get("authorization"))

    def load_gcs(uri: str) -> Optional[bytes]:
        key = _split_gs(uri)
        if key in uploads:
            return uploads[key][0]
        if key in outputs:  # a generated video: not an image, so the caller's decode check fails
            task, index = outputs[key]
            return task.videos.get(index, b"")
        return None

    def check_video(video: dict) -> None:
        """Extension source: a gs:// object this simulator holds, or inline MP4 bytes."""
        if set(video) - {"gcsUri", "bytesBase64Encoded", "mimeType"} or len(set(video) - {"mimeType"}) != 1:
            raise GoogleError(400, "instances[0].video needs exactly one of gcsUri and bytesBase64Encoded "
                                   "(with mimeType).")
        if "gcsUri" in video:
            key = _split_gs(video["gcsUri"])
            if key not in uploads and key not in outputs:
                raise GoogleError(400, f"instances[0].video.gcsUri {video['gcsUri']!r} could not be read: "
                                       "no such object.")
            return
        try:
            data = base64.b64decode(video["bytesBase64Encoded"], validate=True)
        except (binascii.Error, ValueError, TypeError):
            raise GoogleError(400, "instances[0].video.bytesBase64Encoded is not valid base64.") from None
        if data[4:8] != b"ftyp":
            raise GoogleError(400, "instances[0].video could not be decoded as an MP4 video.")

    @app.post("/token")
    async def token(request: Request):
        form = await request.form()
        if form.get("grant_type") != JWT_GRANT:
            return _oauth_error("unsupported_grant_type", f"Invalid grant_type: {form.get('grant_type')}")
        try:
            claims = jwt.decode(str(form.get("assertion", "")), public_key, algorithms=["RS256"],
                                options={"verify_exp": False, "verify_aud": False, "verify_iss": False,
                                         "verify_iat": False, "require": ["iss", "aud", "exp", "iat"]})
        except jwt.MissingRequiredClaimError as e:
            return _oauth_error("invalid_grant", f"Invalid JWT: {e}.")
        except jwt.InvalidTokenError:
            return _oauth_error("invalid_grant", "Invalid JWT Signature.")
        now = time.time()
        if claims["iss"] != client_email:
            return _oauth_error("invalid_grant", "Invalid grant: account not found")
        if claims["aud"] not in (token_uri, GOOGLE_TOKEN_AUDIENCE):
            return _oauth_error("invalid_grant", f"Invalid JWT: Failed audience check. The right audience is "
                                                 f"{token_uri}.")
        if not (claims["iat"] - 300 <= now < claims["exp"]) or claims["exp"] - claims["iat"] > 3600:
            return _oauth_error("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and "
                                                 "in a reasonable timeframe. Check your iat and exp values in "
                                                 "the JWT claim.")
        if SCOPE not in str(claims.get("scope", "")).split():
            return _oauth_error("invalid_scope", "Invalid OAuth scope or ID token audience provided.")
        access = "ya29.sim-" + secrets.token_urlsafe(32)
        tokens[access] = now + TOKEN_LIFETIME
        return {"access_token": access, "expires_in": TOKEN_LIFETIME, "token_type": "Bearer"}

    @app.post("/{version}/projects/{p}/locations/{loc}/publishers/google/models/{model_action}")
    async def model_call(version: str, p: str, loc: str, model_action: str, request: Request):
        if version not in ("v1", "v1beta1"):
            return front_end_error(request)  # no such API version: Google's front end page, not the envelope
        check_token(request)
        model, _, action = model_action.partition(":")
        model_path = f"projects/{p}/locations/{loc}/publishers/google/models/{model}"
        if p != project:
            raise GoogleError(403, f"Permission 'aiplatform.endpoints.predict' denied on resource "
                                   f"'//aiplatform.googleapis.com/{model_path}' (or it may not exist).")
        if action not in ("predictLongRunning", "fetchPredictOperation"):
            raise GoogleError(404, f"Method {model}:{action} is not found.")
        if model not in MODELS:
            raise GoogleError(404, f"models/{model} is not found: Publisher Model `{model_path}` was not found "
                                   "or your project does not have access to it.")
        try:
            body = await request.json()
        except ValueError:
            raise GoogleError(400, "Invalid JSON payload received. Unexpected token.") from None
        if action == "fetchPredictOperation":
            return await fetch(model_path, body, request)
        req = parse_request(body, model, "vertex", load_gcs=load_gcs, check_video=check_video)
        fault = await state.submit_fault(req, echo(request, req.scenario))
        if fault is not None:
            return fault
        op_id = str(uuid.uuid4())
        name = f"{model_path}/operations/{op_id}"
        state.add(VeoTask(op_id, name, req, time.time()))
        return {"name": name}

    async def fetch(model_path: str, body, request: Request):
        name = body.get("operationName") if isinstance(body, dict) else None
        if not isinstance(name, str):
            raise GoogleError(400, "operationName is required.")
        task = state.tasks.get(name)
        if task is None:
            raise GoogleError(404, f"Operation {name} not found.")
        if not name.startswith(model_path + "/operations/"):
            raise GoogleError(400, f"Operation {name} does not belong to {model_path}.")
        fault = await state.scripted_fault(task, echo(request, task.scenario))
        if fault is not None:
            return fault
        videos = []
        if task.advance() == "success":
            storage_uri = task.request.parameters.get("storageUri")
            for i in range(task.request.sample_count):
                if storage_uri:
                    bucket, prefix = _output_prefix(storage_uri)
                    obj = f"{prefix}{task.id}/sample_{i}.mp4"
                    outputs[(bucket, obj)] = (task, i)
                    videos.append({"gcsUri": f"gs://{bucket}/{obj}", "mimeType": "video/mp4"})
                else:
                    data = base64.b64encode(await task.video(i)).decode()
                    videos.append({"bytesBase64Encoded": data, "mimeType": "video/mp4"})

        def response() -> dict:
            if task.outcome == "filtered":
                return {"@type": RESPONSE_TYPE, **filtered_fields(task)}
            if task.outcome == "novideo":
                return {"@type": RESPONSE_TYPE}
            return {"@type": RESPONSE_TYPE, "videos": videos}

        return operation(task, response, echo(request, task.scenario))

    @app.get("/storage/v1/b/{bucket}/o/{obj:path}")
    async def gcs_get(bucket: str, obj: str, request: Request):
        check_token(request)
        key = (bucket, obj)  # the router has already percent-decoded the name (prefix%2Fa.mp4)
        if key in uploads:
            data, ctype = uploads[key]
        elif key in outputs and outputs[key][0].scenario.video != "missing":
            task, index = outputs[key]
            data, ctype = await task.video(index), "video/mp4"
        else:
            return JSONResponse({"error": {"code": 404, "message": f"No such object: {bucket}/{obj}",
                                           "status": "NOT_FOUND", "errors": [
                                               {"message": f"No such object: {bucket}/{obj}", "domain": "global",
                                                "reason": "notFound"}]}}, status_code=404)
        if request.query_params.get("alt") == "media":
            return Response(data, media_type=ctype)
        return {"kind": "storage#object", "bucket": bucket, "name": obj, "size": str(len(data)), "contentType": ctype}

    @app.post("/upload/storage/v1/b/{bucket}/o")
    async def gcs_upload(bucket: str, request: Request, name: str = "", uploadType: str = ""):
        # Only the simple upload (uploadType=media), enough to put gs:// input images in place.
        check_token(request)
        if uploadType != "media" or not name:
            raise GoogleError(400, "Only uploadType=media with a name is supported by this simulator.")
        data = await request.body()
        ctype = request.headers.get("content-type", "application/octet-stream")
        uploads[(bucket, name)] = (data, ctype)
        return {"kind": "storage#object", "bucket": bucket, "name": name, "size": str(len(data)), "contentType": ctype}

    return app
