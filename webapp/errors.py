"""Engine errors become responses here, in one place, so views stay a few lines.

- NotFound / PermissionDenied (and plain 404s): the 404 page. It says the same for "does not
  exist" and "not yours", so a guessed URL reveals nothing.
- FormInvalid: the view that was handling the form re-renders it with the errors next to their
  fields. A view declares how with ``on_form_invalid(render)`` before calling the engine;
  without one, the first message is flashed and the officer goes back.
- AlreadyClaimed, InvalidState and any other engine error: a flash message and a redirect back
  (POST-redirect-GET).
- A missing or stale CSRF token: a 400 page that tells the officer to reload.
- A body past the size limit (413): a page (or, for JSON, a problem) saying to send fewer files.
"""
from __future__ import annotations

from flask import current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from engine.errors import FormInvalid, MotcuaError, NotFound, PermissionDenied
from webapp.field_messages import translated
from webapp.i18n import error_message


def on_form_invalid(render) -> None:
    """``render(field_errors)`` returns the page to show when the engine refuses the form."""
    g.form_invalid_render = render


def back_url() -> str:
    """Where to go after a refused POST: the form's ``next``, else the referring page, else the inbox."""
    from webapp.auth import safe_next
    default = url_for("inbox.index")
    target = request.form.get("next")
    if target:
        return safe_next(target, default)
    referrer = request.referrer or ""
    if referrer.startswith(request.host_url):
        return safe_next("/" + referrer[len(request.host_url):], default)
    return default


def _not_found(_exc=None):
    return render_template("errors/404.html"), 404


def _form_invalid(exc: FormInvalid):
    render = g.pop("form_invalid_render", None)
    field_errors = translated(exc.field_errors)
    if render is not None:
        try:
            return render(field_errors), 422
        except (NotFound, PermissionDenied):
            return _not_found()  # the page behind the form is not this user's (or gone)
        except MotcuaError as refused:
            return _refused(refused)
    first = next((m for messages in field_errors.values() for m in messages), error_message(exc))
    flash(first, "error")
    return redirect(back_url())


def _refused(exc: MotcuaError):
    flash(error_message(exc), "error")
    return redirect(back_url())


def _csrf(_exc: CSRFError):
    return render_template("errors/error.html", title=_("Phiên làm việc đã hết hạn"),
                           message=_("Biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang và thử lại.")), 400


def _too_large(_exc=None):
    """A body past MAX_CONTENT_LENGTH (several scans sent at once): refused before any view reads
    it, so nothing was kept. Said in the page's language, not Werkzeug's English page; the
    editor's requests (JSON) get it as a problem to list."""
    limit = f"{current_app.config['MAX_CONTENT_LENGTH'] // (1024 * 1024)} MB"
    message = _("Dữ liệu gửi lên lớn hơn %(limit)s nên chưa được lưu. Vui lòng quay lại, gửi ít tệp hơn "
                "trong mỗi lần (các tệp gửi cùng lúc tổng cộng tối đa %(limit)s) rồi gửi tiếp.", limit=limit)
    if request.is_json:
        return jsonify(problems=[{"element": "", "severity": "error", "message": message}]), 413
    return render_template("errors/error.html", title=_("Tệp gửi lên quá lớn"), message=message), 413


def init_app(app) -> None:
    app.register_error_handler(404, _not_found)
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(PermissionDenied, _not_found)
    app.register_error_handler(FormInvalid, _form_invalid)
    app.register_error_handler(MotcuaError, _refused)  # AlreadyClaimed, InvalidState, …
    app.register_error_handler(CSRFError, _csrf)
    app.register_error_handler(413, _too_large)
