"""Requests as Twilio and Telegram send them.

Field names, order and formats follow real deliveries; identifiers and numbers are fictitious.
"""

from __future__ import annotations

import time
import uuid
from typing import Any, Dict

ACCOUNT_SID = "AC3f9d1c0e2b7a4c5d6e8f90a1b2c3d4e5"
WHATSAPP_BUSINESS = "whatsapp:+553140040000"
PHONE = "+5531988887777"
IVR_NUMBER = "+553130309009"


def twilio_sid(prefix: str) -> str:
    return prefix + uuid.uuid4().hex


def whatsapp_text(body: str, sid: str | None = None, phone: str = PHONE) -> Dict[str, str]:
    """An incoming WhatsApp text, as Twilio posts it to the webhook."""
    sid = sid or twilio_sid("SM")
    return {
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "ProfileName": "Maria Souza",
        "MessageType": "text",
        "SmsSid": sid,
        "WaId": phone.lstrip("+"),
        "SmsStatus": "received",
        "Body": body,
        "To": WHATSAPP_BUSINESS,
        "NumSegments": "1",
        "ReferralNumMedia": "0",
        "MessageSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": f"whatsapp:{phone}",
        "ApiVersion": "2010-04-01",
    }


def whatsapp_image(phone: str = PHONE) -> Dict[str, str]:
    """A photo without caption: Body is present and empty."""
    sid = twilio_sid("MM")
    fields = whatsapp_text("", sid, phone)
    fields.update(
        NumMedia="1",
        MessageType="image",
        MediaContentType0="image/jpeg",
        MediaUrl0=f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}/Media/ME{uuid.uuid4().hex}",
    )
    return fields


def whatsapp_sticker(phone: str = PHONE) -> Dict[str, str]:
    fields = whatsapp_image(phone)
    fields.update(MessageType="sticker", MediaContentType0="image/webp")
    return fields


def whatsapp_location(phone: str = PHONE) -> Dict[str, str]:
    fields = whatsapp_text("", twilio_sid("SM"), phone)
    fields.update(MessageType="location", Latitude="-19.9245", Longitude="-43.9352")
    return fields


def voice_call(call_sid: str, phone: str = PHONE, **extra: str) -> Dict[str, str]:
    """A Twilio Voice request for an inbound call; Gather results add Digits or SpeechResult."""
    fields = {
        "AccountSid": ACCOUNT_SID,
        "ApiVersion": "2010-04-01",
        "CallSid": call_sid,
        "CallStatus": "ringing",
        "CallToken": "%7B%22parentCallInfoToken%22%3A%22eyJhbGciOiJFUzI1NiJ9%22%7D",
        "Called": IVR_NUMBER,
        "CalledCity": "BELO HORIZONTE",
        "CalledCountry": "BR",
        "CalledState": "MG",
        "CalledZip": "",
        "Caller": phone,
        "CallerCity": "BELO HORIZONTE",
        "CallerCountry": "BR",
        "CallerState": "MG",
        "CallerZip": "",
        "Direction": "inbound",
        "From": phone,
        "FromCity": "BELO HORIZONTE",
        "FromCountry": "BR",
        "FromState": "MG",
        "FromZip": "",
        "StirVerstat": "TN-Validation-Passed-C",
        "To": IVR_NUMBER,
        "ToCity": "BELO HORIZONTE",
        "ToCountry": "BR",
        "ToState": "MG",
        "ToZip": "",
    }
    fields.update(extra)
    return fields


def voice_digits(call_sid: str, digits: str, phone: str = PHONE) -> Dict[str, str]:
    """What Twilio posts to a Gather's action after keys (the finishing # is not in Digits)."""
    return voice_call(call_sid, phone, CallStatus="in-progress", Digits=digits.rstrip("#"),
                      FinishedOnKey="#" if digits.endswith("#") else "", msg="Gather End")


def voice_speech(call_sid: str, speech: str, phone: str = PHONE) -> Dict[str, str]:
    return voice_call(call_sid, phone, CallStatus="in-progress", SpeechResult=speech, Confidence="0.9123",
                      Language="pt-BR")


def voice_silence(call_sid: str, phone: str = PHONE) -> Dict[str, str]:
    """actionOnEmptyResult: the Gather ended with nothing heard."""
    return voice_call(call_sid, phone, CallStatus="in-progress", msg="Gather End")


def _user(user_id: int) -> Dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "Maria", "last_name": "Souza", "language_code": "pt-br"}


def _private_chat(user_id: int) -> Dict[str, Any]:
    return {"id": user_id, "first_name": "Maria", "last_name": "Souza", "type": "private"}


def telegram_text(update_id: int, user_id: int, text: str) -> Dict[str, Any]:
    message: Dict[str, Any] = {
        "message_id": update_id % 100000,
        "from": _user(user_id),
        "chat": _private_chat(user_id),
        "date": int(time.time()),
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"offset": 0, "length": len(text.split()[0]), "type": "bot_command"}]
    return {"update_id": update_id, "message": message}


def telegram_button(update_id: int, user_id: int, data: str) -> Dict[str, Any]:
    return {
        "update_id": update_id,
        "callback_query": {
            "id": str(4382000000000000000 + update_id),
            "from": _user(user_id),
            "message": {
                "message_id": 77,
                "from": {"id": 424242, "is_bot": True, "first_name": "Atende", "username": "atende_teste_bot"},
                "chat": _private_chat(user_id),
                "date": int(time.time()) - 5,
                "text": "Escolha uma opção",
                "reply_markup": {"inline_keyboard": [[{"text": "3 - Número de cartão", "callback_data": "3"}]]},
            },
            "chat_instance": "-3512816120462891424",
            "data": data,
        },
    }


def telegram_edited(update_id: int, user_id: int, text: str) -> Dict[str, Any]:
    update = telegram_text(update_id, user_id, text)
    edited = update.pop("message")
    edited["edit_date"] = edited["date"] + 30
    return {"update_id": update_id, "edited_message": edited}


def telegram_photo(update_id: int, user_id: int) -> Dict[str, Any]:
    update = telegram_text(update_id, user_id, "")
    del update["message"]["text"]
    update["message"]["photo"] = [
        {"file_id": "AgACAgEAAxkBAAIBZ2dE", "file_unique_id": "AQADx6sxG", "file_size": 1456, "width": 90,
         "height": 67},
        {"file_id": "AgACAgEAAxkBAAIBZ2dF", "file_unique_id": "AQADx6sxH", "file_size": 23019, "width": 320,
         "height": 240},
    ]
    return update


def telegram_group_text(update_id: int, user_id: int, text: str) -> Dict[str, Any]:
    update = telegram_text(update_id, user_id, text)
    update["message"]["chat"] = {"id": -1001234567890, "title": "Família Souza", "type": "supergroup"}
    return update


def telegram_member_update(update_id: int, user_id: int) -> Dict[str, Any]:
    """The user blocked the bot: nothing to answer."""
    return {
        "update_id": update_id,
        "my_chat_member": {
            "chat": _private_chat(user_id),
            "from": _user(user_id),
            "date": int(time.time()),
            "old_chat_member": {"user": {"id": 424242, "is_bot": True, "first_name": "Atende"}, "status": "member"},
            "new_chat_member": {"user": {"id": 424242, "is_bot": True, "first_name": "Atende"}, "status": "kicked",
                                "until_date": 0},
        },
    }
