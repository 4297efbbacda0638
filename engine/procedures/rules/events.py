"""Waits the engine can end: every message or signal caught is thrown by someone, a pool started
by a message has a sender, and an event-based gateway only waits for what can arrive."""
from __future__ import annotations

from engine.procedures.rules.model import Model, bpmn, local

CATCHING = ("intermediateCatchEvent", "boundaryEvent", "receiveTask", "startEvent")
THROWING = ("intermediateThrowEvent", "endEvent", "sendTask")


def _thrown_messages(model: Model) -> set[str]:
    thrown = set()
    for element in model.flow_nodes(*THROWING):
        name = model.message_of(element)
        if name:
            thrown.add(name)
    return thrown


def _flow_targets(model: Model) -> dict[str, list]:
    """Message flows by the element (or pool) they arrive at."""
    result: dict[str, list] = {}
    for flow in model.message_flows:
        result.setdefault(flow.get("targetRef"), []).append(flow)
    return result


def _thrown_signals(model: Model) -> set[str]:
    return {model.signal_names.get(d.get("signalRef"), d.get("signalRef"))
            for element in model.flow_nodes(*THROWING)
            if (d := model.definition(element, "signal")) is not None and d.get("signalRef")}


def check(model: Model):
    thrown, arriving, signals = _thrown_messages(model), _flow_targets(model), _thrown_signals(model)
    for element in model.flow_nodes(*CATCHING):
        yield from _catch(model, element, thrown, arriving, signals)
    yield from _plain_start(model)
    for gateway in model.flow_nodes("eventBasedGateway"):
        yield from _event_gateway(model, gateway)


def _catch(model, element, thrown, arriving, signals):
    kind, eid = local(element.tag), element.get("id") or ""
    message = model.message_of(element)
    if message is not None:
        if kind == "startEvent" and model.collaboration is None:
            yield model.error(eid, "A message start event waits for a message nobody can send in a single-process "
                                   "file, so no dossier would ever open a step: use a plain start event (reception "
                                   "starts the procedure), or draw a collaboration with the pool that sends it.",
                              "Sự kiện bắt đầu bằng thông điệp trong tệp chỉ có một quy trình sẽ không bao giờ nhận "
                              "được thông điệp: hãy dùng sự kiện bắt đầu thường (tiếp nhận khởi động thủ tục), hoặc vẽ "
                              "cộng tác có pool gửi thông điệp đó.")
            return
        if not message:
            yield model.error(eid, "The event names no message: pick the message it waits for (messageRef).",
                              "Sự kiện không chỉ định thông điệp: hãy chọn thông điệp mà nó chờ (messageRef).")
            return
        from_partner = any(flow.get("sourceRef") in model.external_pools for flow in arriving.get(eid, []))
        if message not in thrown and not from_partner:
            yield model.error(eid, f"Nothing in this file sends the message “{message}” and no message flow brings it from "
                                   "a partner pool, so this wait would never end: send it from the other pool, or draw "
                                   "the message flow from the partner's pool.",
                              f"Không có gì trong tệp gửi thông điệp «{message}» và không có luồng thông điệp nào mang nó "
                              "từ pool đối tác, nên bước chờ này không bao giờ kết thúc: hãy gửi nó từ pool kia, hoặc vẽ "
                              "luồng thông điệp từ pool của đối tác.")
        return
    signal = model.definition(element, "signal")
    if signal is not None:
        name = model.signal_names.get(signal.get("signalRef"), signal.get("signalRef"))
        if not name or name not in signals:
            yield model.error(eid, f"Nothing in this file throws the signal “{name or '(none chosen)'}”, so this wait would never "
                                   "end: throw the signal, or remove the event.",
                              f"Không có gì trong tệp phát tín hiệu «{name or '(chưa chọn)'}», nên bước chờ này không bao "
                              "giờ kết thúc: hãy phát tín hiệu đó, hoặc bỏ sự kiện.")


def _plain_start(model):
    """A collaboration needs one pool that starts at reception: message starts need a sender."""
    if model.collaboration is None or not model.processes:
        return
    for process in model.processes:
        for start in process.findall(bpmn("startEvent")):
            if not any(isinstance(c.tag, str) and c.tag.endswith("EventDefinition") for c in start):
                return
    key = model.collaboration.get("id") or ""
    yield model.error(key, "No pool has a plain start event, so reception could not open any step: give the "
                           "receiving agency's pool a start event without a trigger.",
                      "Không pool nào có sự kiện bắt đầu thường, nên tiếp nhận không mở được bước nào: hãy cho pool "
                      "của cơ quan tiếp nhận một sự kiện bắt đầu không có trigger.")


def _event_gateway(model, gateway):
    """The engine wakes a dossier for a message (from another pool or a partner). Timers after an
    event-based gateway are never scheduled, and other triggers never arrive."""
    for target_id in model.outgoing.get(gateway.get("id"), []):
        target = model.by_id.get(target_id)
        if target is None:
            continue
        kind = local(target.tag)
        if kind == "receiveTask" or (kind == "intermediateCatchEvent" and model.definition(target, "message") is not None):
            continue
        if model.definition(target, "timer") is not None:
            what_en, what_vi = "a timer", "một sự kiện hẹn giờ"
        else:
            what_en, what_vi = f"a {kind}", f"một phần tử {kind}"
        yield model.error(gateway.get("id") or "",
                          f"The event-based gateway waits on {what_en} ({target_id}), and the engine cannot wake it "
                          "for that: only message catch events may follow it; for a deadline, put a timer boundary event on "
                          "a step, or a timer catch event in its own branch after a parallel gateway.",
                          f"Cổng dựa trên sự kiện (event-based gateway) đang chờ {what_vi} ({target_id}), nhưng hệ thống "
                          "không đánh thức được hồ sơ bằng sự kiện đó: sau cổng này chỉ được đặt sự kiện chờ thông điệp; để đặt hạn, hãy gắn "
                          "sự kiện hẹn giờ (boundary) vào một bước, hoặc đặt sự kiện chờ hẹn giờ trong một nhánh riêng "
                          "sau một cổng parallel.")
