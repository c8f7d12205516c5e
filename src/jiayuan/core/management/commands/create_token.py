"""``jiayuan create_token USER [--name NAME]``: create an API token and print it (only it) on stdout."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from jiayuan.core.tokens import token_create


class Command(BaseCommand):
    help = "为用户创建 API 令牌，只在标准输出打印令牌本身（便于脚本使用）。令牌只显示这一次。"

    def add_arguments(self, parser):
        parser.add_argument("username", help="登录名")
        parser.add_argument("--name", default="cli", help="令牌名称(默认 cli)，最多 60 个字符")

    def handle(self, *args, username: str, name: str, **options):
        User = get_user_model()
        user = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
        if user is None:
            raise CommandError(f"用户不存在：{username}")
        if not user.is_active:
            raise CommandError(f"用户已停用，不能创建令牌：{username}")
        name = name.strip()
        if not name or len(name) > 60:
            raise CommandError("令牌名称不能为空，且最多 60 个字符")
        _token, raw = token_create(user, name=name)
        self.stdout.write(raw)
