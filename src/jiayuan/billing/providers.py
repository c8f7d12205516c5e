"""Online payment providers: one interface, a built-in sandbox that behaves like WeChat Pay / Alipay.

The flow every provider follows:

1. ``online_order_create`` (services) makes an ``OnlineOrder`` and asks the provider for the URL where the
   owner pays (``Provider.pay_url``).
2. The owner pays on the provider's page. The provider then sends an **asynchronous notification** to
   ``/billing/online/notify/<provider>/``: a body and a signature.
3. ``online_notify`` asks the provider to ``verify`` the signature and ``parse`` the body, books the payment
   once (the order number is the payment's idempotency key, so a repeated notification books nothing), and
   answers with ``Provider.answer`` (what the provider expects back, or it retries).

A real provider (WeChat Pay v3, Alipay) plugs in as another ``Provider`` subclass registered in
``PROVIDERS``: its ``pay_url`` calls the provider's "create order" API, ``verify`` checks the platform
certificate signature, ``parse`` decrypts the resource, ``answer`` returns its success/fail body.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse


@dataclass(frozen=True)
class Notification:
    """What a provider's notification says. ``amount`` is the amount in yuan as the provider sent it
    (text): ``online_notify`` checks it with ``parse_amount``, like an amount a cashier types."""

    out_trade_no: str
    transaction_id: str
    amount: str
    paid: bool


class Provider:
    name = ""

    def pay_url(self, order) -> str:
        raise NotImplementedError

    def verify(self, body: bytes, signature: str) -> bool:
        raise NotImplementedError

    def parse(self, body: bytes) -> Notification | None:
        raise NotImplementedError

    def answer(self, ok: bool, message: str = "") -> tuple[int, str]:
        """The status and body the provider expects back; ``message`` says why a notification failed."""
        raise NotImplementedError


class SandboxProvider(Provider):
    """Signs notifications with HMAC-SHA256 over the raw body, keyed from SECRET_KEY (a stand-in for the
    merchant key / platform certificate of a real provider)."""

    name = "sandbox"

    @staticmethod
    def _key() -> bytes:
        return hashlib.sha256(f"jiayuan-sandbox-pay:{settings.SECRET_KEY}".encode()).digest()

    def sign(self, body: bytes) -> str:
        return hmac.new(self._key(), body, hashlib.sha256).hexdigest()

    def pay_url(self, order) -> str:
        return reverse("billing:sandbox_pay", kwargs={"out_trade_no": order.out_trade_no})

    def notification_body(self, order, transaction_id: str) -> bytes:
        payload = {
            "out_trade_no": order.out_trade_no,
            "transaction_id": transaction_id,
            "amount": str(order.amount),
            "trade_state": "SUCCESS",
        }
        return json.dumps(payload, sort_keys=True).encode()

    def verify(self, body: bytes, signature: str) -> bool:
        return bool(signature) and hmac.compare_digest(self.sign(body), signature)

    def parse(self, body: bytes) -> Notification | None:
        try:
            data = json.loads(body)
            amount = data["amount"]
            if isinstance(amount, bool) or not isinstance(amount, str | int | float):
                amount = ""  # true, null, a list: no amount at all, which parse_amount refuses
            return Notification(
                out_trade_no=str(data["out_trade_no"])[:40],
                transaction_id=str(data["transaction_id"])[:64],
                amount=str(amount),
                paid=data.get("trade_state") == "SUCCESS",
            )
        except (ValueError, KeyError, TypeError):
            return None

    def answer(self, ok: bool, message: str = "") -> tuple[int, str]:
        # WeChat Pay v3 style: 200 with {"code": "SUCCESS"}; anything else makes the provider retry.
        if ok:
            return 200, json.dumps({"code": "SUCCESS", "message": "成功"}, ensure_ascii=False)
        return 400, json.dumps({"code": "FAIL", "message": message or "失败"}, ensure_ascii=False)


PROVIDERS: dict[str, Provider] = {"sandbox": SandboxProvider()}


def provider(name: str) -> Provider | None:
    return PROVIDERS.get(name)
