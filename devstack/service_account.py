"""A Google service-account key file for the Vertex AI simulator: a real RSA key, the fields
Google's JSON key files have, and a token_uri pointing at the simulator's OAuth endpoint."""

import json
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

PROJECT_ID = "gv-demo-project"
CLIENT_EMAIL = f"video@{PROJECT_ID}.iam.gserviceaccount.com"


def write_service_account(path: Path, token_uri: str, project_id: str = PROJECT_ID) -> dict:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    info = {
        "type": "service_account", "project_id": project_id, "private_key_id": "0" * 40, "private_key": pem,
        "client_email": f"video@{project_id}.iam.gserviceaccount.com", "client_id": "1" * 21,
        "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": token_uri,
    }
    path.write_text(json.dumps(info, indent=2))
    path.chmod(0o600)
    return info
