"""python -m relay_simulator --port 9100 --api-key KEY   (binds 127.0.0.1 only)"""

import argparse
import logging

import uvicorn

from relay_simulator.app import create_app


def main() -> None:
    parser = argparse.ArgumentParser(description="Veo relay simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--api-key", required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    uvicorn.run(create_app(args.api_key), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
