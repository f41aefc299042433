"""Chat channels: the incoming-webhook robots of enterprise-chat platforms, for reminders and
notices. Payload and signature builders are pure (time passed in); :func:`post_json` is the only
function here that touches the network.

Formats follow each enterprise-chat platform's incoming-webhook robot (CONVENTIONS.md):
DingTalk signs ``timestamp\\nsecret`` (milliseconds) with HMAC-SHA256 keyed by the secret and puts
it in the URL; Feishu signs with HMAC-SHA256 keyed by ``timestamp\\nsecret`` (seconds) over an empty
message and puts it in the body; WeCom carries its key in the URL and is not signed.
"""

import base64
import hashlib
import hmac
import json
import logging
import urllib.parse
import urllib.request
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Request:
    url: str
    body: dict


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    message = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    key = f"{timestamp_s}\n{secret}".encode()
    digest = hmac.new(key, b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def webhook_request(
    kind: str, url: str, text: str, *, secret: str = "", mobiles: list[str] | None = None, now_ms: int
) -> Request:
    """The HTTP request that posts ``text`` to a webhook of ``kind`` at time ``now_ms`` (ms)."""
    mobiles = mobiles or []
    if kind == "dingtalk":
        body: dict = {"msgtype": "text", "text": {"content": text}, "at": {"atMobiles": mobiles}}
        if secret:
            sign = urllib.parse.quote_plus(dingtalk_sign(secret, now_ms))
            url = f"{url}{'&' if '?' in url else '?'}timestamp={now_ms}&sign={sign}"
        return Request(url, body)
    if kind == "wecom":
        return Request(url, {"msgtype": "text", "text": {"content": text, "mentioned_mobile_list": mobiles}})
    if kind == "feishu":
        body = {"msg_type": "text", "content": {"text": text}}
        if secret:
            seconds = now_ms // 1000
            body = {"timestamp": str(seconds), "sign": feishu_sign(secret, seconds), **body}
        return Request(url, body)
    if kind == "generic":
        return Request(url, {"text": text, "mobiles": mobiles})
    raise ValueError(f"unknown webhook kind {kind!r}")


def post_json(request: Request, timeout: float = 5.0) -> bool:
    """POST the request; True on a 2xx answer. Failures are logged, never raised: a reminder that
    cannot be delivered must not undo the day's other reminders."""
    data = json.dumps(request.body, ensure_ascii=False).encode()
    http = urllib.request.Request(
        request.url, data=data, headers={"Content-Type": "application/json; charset=utf-8"}, method="POST"
    )
    try:
        with urllib.request.urlopen(http, timeout=timeout) as response:  # noqa: S310 — configured by the office
            return 200 <= response.status < 300
    except OSError as exc:
        logger.warning("webhook %s failed: %s", urllib.parse.urlsplit(request.url).netloc, exc)
        return False
