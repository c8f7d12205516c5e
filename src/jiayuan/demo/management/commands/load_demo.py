"""``jiayuan load_demo``: generate the reproducible demo estate (see jiayuan.demo)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from jiayuan.demo import DEFAULT_SEED, DemoError, demo_exists, load_demo, reset_demo


class Command(BaseCommand):
    help = "生成可复现的演示数据：家园物业、翠湖花园与城东汽车客运站、人员证书培训、房屋住户车位。"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子（同一种子生成相同数据）")
        parser.add_argument("--scale", type=float, default=1.0, help="房屋与车位数量倍数，如 0.05")
        parser.add_argument("--if-empty", action="store_true", help="已有演示数据时什么也不做")
        parser.add_argument("--reset", action="store_true", help="先删除已有演示数据（仅 DEBUG）")

    def handle(self, *args, seed: int, scale: float, if_empty: bool, reset: bool, **options):
        if reset and if_empty:
            raise CommandError("--reset 与 --if-empty 不能同时使用")
        if reset:
            if not settings.DEBUG:
                raise CommandError("--reset 会删除数据，只允许在 DEBUG=1 时使用")
            self.stdout.write(f"已删除演示数据 {reset_demo()} 行")
        elif demo_exists():
            if if_empty:
                self.stdout.write("演示数据已存在，跳过装载。")
                return
            raise CommandError("演示数据已存在（公司编码 jy），未重复生成；如需重建请用 DEBUG=1 … --reset")
        verbose = options["verbosity"] >= 2
        started = time.perf_counter()
        try:
            ctx = load_demo(seed=seed, scale=scale, log=self.stdout.write if verbose else lambda m: None)
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        summary = "，".join(f"{name} {count}" for name, count in sorted(ctx.counts.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已生成（种子 {seed}，倍数 {scale:g}，{time.perf_counter() - started:.1f} 秒）"
            )
        )
        self.stdout.write(summary)
