"""Text messages to a person's registered phone (the password-recovery code), through the
sender `settings.SMS_SENDER` names:

- `accounts.sms.LogSender` — the embedded default: the message is written to the log, marked
  "未真实发送"; for demonstrations and development only, never for real users;
- `accounts.sms.TencentCloudSender` — Tencent Cloud SMS through its SDK
  (tencentcloud-sdk-python-sms): an approved signature and a template with two parameters
  (the code, its minutes of validity), configured by the SMS_TENCENT_* settings.

A sender raises SmsError when the message could not be handed over; the caller says so.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.module_loading import import_string

from core.text import mask_phone

logger = logging.getLogger("ce.sms")


class SmsError(Exception):
    pass


class LogSender:
    def send_code(self, phone: str, code: str, minutes: int) -> None:
        logger.warning(
            "【短信·演示，未真实发送】%s：您的找回密码验证码为 %s，%s 分钟内有效。",
            mask_phone(phone),
            code,
            minutes,
        )


class TencentCloudSender:
    def send_code(self, phone: str, code: str, minutes: int) -> None:
        from tencentcloud.common import credential
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import models, sms_client

        config = settings.SMS_TENCENT
        profile = ClientProfile(
            httpProfile=HttpProfile(protocol=config["protocol"], endpoint=config["endpoint"], reqTimeout=10)
        )
        client = sms_client.SmsClient(
            credential.Credential(config["secret_id"], config["secret_key"]), config["region"], profile
        )
        request = models.SendSmsRequest()
        request.SmsSdkAppId = config["app_id"]
        request.SignName = config["sign_name"]
        request.TemplateId = config["template_id"]
        request.TemplateParamSet = [code, str(minutes)]
        request.PhoneNumberSet = [f"+86{phone}"]
        try:
            answer = client.SendSms(request)
        except TencentCloudSDKException as exc:
            raise SmsError(exc.get_code() or str(exc)) from exc
        status = answer.SendStatusSet[0] if answer.SendStatusSet else None
        if status is None or status.Code != "Ok":
            raise SmsError(status.Code if status else "no status")


def sender():
    return import_string(settings.SMS_SENDER)()
