"""Webhook payloads and signatures in each platform's format (CONVENTIONS.md)."""

import base64
import hashlib
import hmac
import urllib.parse

from kaohe.platform.channels import dingtalk_sign, feishu_sign, webhook_request
from kaohe.platform.uploads import sniff


def test_dingtalk_signs_timestamp_and_secret_in_the_url():
    req = webhook_request(
        "dingtalk",
        "https://oapi.dingtalk.com/robot/send?access_token=T",
        "hi",
        secret="S",
        now_ms=1700000000000,
        mobiles=["138"],
    )
    expected = base64.b64encode(hmac.new(b"S", b"1700000000000\nS", hashlib.sha256).digest()).decode()
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(req.url).query)
    assert query["timestamp"] == ["1700000000000"] and query["sign"] == [expected]
    assert req.body == {"msgtype": "text", "text": {"content": "hi"}, "at": {"atMobiles": ["138"]}}
    assert dingtalk_sign("S", 1700000000000) == expected


def test_feishu_signs_in_the_body_in_seconds():
    req = webhook_request("feishu", "https://open.feishu.cn/hook/x", "hi", secret="S", now_ms=1700000000123)
    expected = base64.b64encode(hmac.new(b"1700000000\nS", b"", hashlib.sha256).digest()).decode()
    assert req.body == {
        "timestamp": "1700000000",
        "sign": expected,
        "msg_type": "text",
        "content": {"text": "hi"},
    }
    assert feishu_sign("S", 1700000000) == expected


def test_wecom_text_with_mentions():
    req = webhook_request(
        "wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K", "hi", mobiles=["139"], now_ms=0
    )
    assert req.body == {"msgtype": "text", "text": {"content": "hi", "mentioned_mobile_list": ["139"]}}
    assert req.url.endswith("key=K")


def test_unsigned_dingtalk_keeps_the_url():
    assert (
        webhook_request("dingtalk", "https://x/y?access_token=T", "hi", now_ms=1).url
        == "https://x/y?access_token=T"
    )


def test_uploads_are_judged_by_their_bytes():
    assert sniff(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert sniff(b"%PDF-1.7") == "application/pdf"
    assert sniff(b"MZ\x90\x00") is None
    assert sniff(b"PK\x03\x04broken") is None
