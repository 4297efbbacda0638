"""A stand-in payment gateway on loopback, speaking the protocol of integrations/payment.py as the
real one does: it checks the merchant code and the signature of the order it is sent, shows a
payment page (pay or cancel), signs its answer with the shared secret, calls the merchant's IPN
address server to server (as configured at the gateway, not sent with the order) and sends the
browser back to the order's return address.

    with running_gateway(tmn_code="T", hash_secret="s", ipn_url="http://…/thanh-toan/ipn") as gateway:
        gateway.pay_url, gateway.orders, gateway.ipn_answers
        gateway.notice(txn_ref, paid=True)   # a signed answer for an order, to replay or alter

Used by the tests and by ``motcua serve`` when no real gateway is configured (the demo).
"""
from __future__ import annotations

import itertools
import threading
from contextlib import contextmanager
from datetime import datetime
from html import escape
from urllib.parse import urlencode

import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from integrations.payment import GMT7, gmt7, sign

PAGE_PATH = "/paymentv2/vpcpay.html"
CANCELLED = "24"  # the gateway's code: the customer cancelled the payment

_STYLE = """body{font-family:system-ui,sans-serif;margin:0;background:#f4f6f8;color:#1c2733}
main{max-width:32rem;margin:0 auto;padding:1rem}h1{font-size:1.3rem;color:#005baa}
dl{background:#fff;border:1px solid #d5dbe1;padding:1rem;border-radius:.4rem}dt{color:#5b6b7b;font-size:.9rem}
dd{margin:0 0 .7rem;font-weight:600;overflow-wrap:anywhere}.actions{display:flex;gap:.6rem;flex-wrap:wrap}
button{font:inherit;padding:.7rem 1.2rem;border-radius:.4rem;border:1px solid #005baa;background:#fff;color:#005baa}
button.pay{background:#005baa;color:#fff}"""


class PaymentGatewayStandIn:
    def __init__(self, tmn_code: str, hash_secret: str, ipn_url: str = ""):
        self.tmn_code, self.hash_secret, self.ipn_url = tmn_code, hash_secret, ipn_url
        self.orders: dict[str, dict] = {}  # txn_ref -> the order's parameters as received
        self.ipn_answers: list[dict] = []  # what the merchant's IPN answered, in order
        self._numbers = itertools.count(14_000_001)
        self._lock = threading.Lock()
        self.pay_url = ""

    # --- the protocol ----------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.path == PAGE_PATH and request.method == "GET":
            response = self._page(request)
        elif request.path == "/paymentv2/confirm" and request.method == "POST":
            response = self._confirm(request)
        else:
            response = Response("not found", 404)
        return response(environ, start_response)

    def _page(self, request) -> Response:
        params = request.args.to_dict()
        if not self.take_order(params):
            return self._html("Giao dịch không hợp lệ", "<p>Sai chữ ký hoặc mã website (mã lỗi 70).</p>", 400)
        amount = f"{int(params['vnp_Amount']) // 100:,}".replace(",", ".")
        body = (f"<dl><dt>Đơn vị</dt><dd>{escape(self.tmn_code)}</dd>"
                f"<dt>Nội dung</dt><dd>{escape(params.get('vnp_OrderInfo', ''))}</dd>"
                f"<dt>Mã đơn hàng</dt><dd>{escape(params['vnp_TxnRef'])}</dd>"
                f"<dt>Số tiền</dt><dd>{amount} VND</dd></dl>"
                f'<form method="post" action="/paymentv2/confirm" class="actions">'
                f'<input type="hidden" name="txn_ref" value="{escape(params["vnp_TxnRef"])}">'
                '<button class="pay" name="action" value="pay">Thanh toán</button>'
                '<button name="action" value="cancel">Hủy giao dịch</button></form>')
        return self._html("Cổng thanh toán (thử nghiệm)", body)

    def take_order(self, params: dict) -> bool:
        """Check an order as the payment page does (merchant, command, signature) and keep it."""
        if params.get("vnp_TmnCode") != self.tmn_code or params.get("vnp_Command") != "pay" \
                or params.get("vnp_SecureHash", "").lower() != sign(params, self.hash_secret):
            return False
        with self._lock:
            self.orders[params["vnp_TxnRef"]] = params
        return True

    def _confirm(self, request) -> Response:
        order = self.orders.get(request.form.get("txn_ref", ""))
        if order is None:
            return self._html("Giao dịch không hợp lệ", "<p>Không tìm thấy đơn hàng.</p>", 404)
        answer = self.notice(order["vnp_TxnRef"], paid=request.form.get("action") == "pay")
        self.call_ipn(answer)
        return Response(status=302, headers={"Location": f"{order['vnp_ReturnUrl']}?{urlencode(answer)}"})

    def notice(self, txn_ref: str, *, paid: bool = True, amount_vnd: int | None = None, secret: str | None = None,
               **changes) -> dict:
        """The signed answer for an order the page was sent (``amount_vnd``, ``secret`` and other
        fields may be changed, to make a wrong or forged one)."""
        order = self.orders[txn_ref]
        amount = str(amount_vnd * 100) if amount_vnd is not None else order["vnp_Amount"]
        number = str(next(self._numbers))
        params = {"vnp_Amount": amount, "vnp_BankCode": "NCB", "vnp_BankTranNo": f"VNP{number}",
                  "vnp_CardType": "ATM", "vnp_OrderInfo": order.get("vnp_OrderInfo", ""),
                  "vnp_PayDate": gmt7(datetime.now(GMT7)), "vnp_ResponseCode": "00" if paid else CANCELLED,
                  "vnp_TmnCode": self.tmn_code, "vnp_TransactionNo": number,
                  "vnp_TransactionStatus": "00" if paid else "02", "vnp_TxnRef": txn_ref}
        params.update(changes)
        params["vnp_SecureHash"] = sign(params, secret or self.hash_secret)
        return params

    def call_ipn(self, params: dict) -> dict | None:
        """Send a notice to the merchant's IPN address (GET with the query, as the gateway does)."""
        if not self.ipn_url:
            return None
        try:
            response = requests.get(self.ipn_url, params=params, timeout=10)
            answer = response.json()
        except (requests.RequestException, ValueError) as exc:
            answer = {"error": str(exc)}
        with self._lock:
            self.ipn_answers.append(answer)
        return answer

    @staticmethod
    def _html(title: str, body: str, status: int = 200) -> Response:
        page = (f'<!doctype html><html lang="vi"><head><meta charset="utf-8">'
                f'<meta name="viewport" content="width=device-width, initial-scale=1">'
                f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
                f"<body><main><h1>{escape(title)}</h1>{body}</main></body></html>")
        return Response(page, status, mimetype="text/html")


class RunningGateway:
    """A stand-in served on a free loopback port, in a thread; ``stop()`` ends it."""

    def __init__(self, gateway: PaymentGatewayStandIn, port: int = 0):
        self.gateway = gateway
        self._server = make_server("127.0.0.1", port, gateway, threaded=True)
        gateway.pay_url = f"http://127.0.0.1:{self._server.server_port}{PAGE_PATH}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="payment-gateway", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join()
        self._server.server_close()


@contextmanager
def running_gateway(tmn_code: str = "MOTCUA01", hash_secret: str = "test-hash-secret", ipn_url: str = "",
                    port: int = 0):
    running = RunningGateway(PaymentGatewayStandIn(tmn_code, hash_secret, ipn_url), port)
    try:
        yield running.gateway
    finally:
        running.stop()
