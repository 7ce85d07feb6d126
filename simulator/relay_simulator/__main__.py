"""python -m relay_simulator --wire relay|gemini|openai|chat --port 9100 --api-key KEY
python -m relay_simulator --wire vertex --port 9103 --service-account sa.json

Binds 127.0.0.1 only. One process speaks one provider's wire format."""

import argparse
import logging

import uvicorn


def build_app(args):
    if args.wire == "gemini":
        from relay_simulator.gemini_app import create_gemini_app

        return create_gemini_app(args.api_key)
    if args.wire == "vertex":
        from relay_simulator.vertex_app import create_vertex_app

        return create_vertex_app(args.service_account)
    if args.wire == "openai":
        from relay_simulator.openai_app import create_openai_app

        return create_openai_app(args.api_key)
    if args.wire == "chat":
        from relay_simulator.chat_app import create_chat_app

        return create_chat_app(args.api_key)
    from relay_simulator.app import create_app

    return create_app(args.api_key)


def main() -> None:
    parser = argparse.ArgumentParser(description="Video provider simulator")
    parser.add_argument("--wire", choices=("relay", "gemini", "vertex", "openai", "chat"), default="relay")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--api-key", help="the key callers must send (relay, gemini, openai)")
    parser.add_argument("--service-account", help="vertex: the service-account JSON whose key signs token requests")
    args = parser.parse_args()
    if args.wire == "vertex" and not args.service_account:
        parser.error("--wire vertex needs --service-account")
    if args.wire != "vertex" and not args.api_key:
        parser.error(f"--wire {args.wire} needs --api-key")
    logging.basicConfig(level=logging.INFO)
    uvicorn.run(build_app(args), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
