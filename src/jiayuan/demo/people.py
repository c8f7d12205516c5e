"""Plausible, unique personal data for the demo: Chinese names, mainland mobiles, ID numbers, plates.

Everything comes from the context's seeded ``random.Random`` and seeded Faker, so one seed always gives
the same people. Uniqueness is kept in sets here rather than by retrying inserts.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from datetime import date

from faker import Faker

# Mobile prefixes in use on the mainland (^1[3-9]\d{9}$).
MOBILE_PREFIXES = (
    "130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 "
    "166 173 175 176 177 178 180 181 182 183 185 186 187 188 189 191 198 199"
).split()
# Division codes: mostly Hangzhou districts, some from elsewhere (people move to Hangzhou).
HANGZHOU_DIVISIONS = ("330102", "330105", "330106", "330108", "330109", "330110", "330111")
OTHER_DIVISIONS = ("330302", "330402", "330602", "340104", "320102", "360102", "410105", "510107")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# Unified social credit codes (统一社会信用代码) use digits and letters without I, O, S, V, Z.
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O on plates
PLATE_REGIONS = ("浙A",) * 14 + ("浙B", "浙C", "浙D", "浙F", "沪A", "苏E", "皖A")
CAR_BRANDS = (
    "大众",
    "丰田",
    "本田",
    "比亚迪",
    "吉利",
    "特斯拉",
    "别克",
    "日产",
    "奥迪",
    "宝马",
    "奔驰",
    "长安",
    "理想",
    "蔚来",
)
CAR_COLOURS = ("白色", "黑色", "银色", "灰色", "蓝色", "红色")


def id_check_digit(first17: str) -> str:
    """GB 11643 check character (ISO 7064 MOD 11-2)."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def uscc_check_char(first17: str) -> str:
    """GB 32100 check character: weights 3^i mod 31 over the 31-character alphabet."""
    total = sum(_USCC_CHARS.index(ch) * pow(3, i, 31) for i, ch in enumerate(first17))
    return _USCC_CHARS[(31 - total % 31) % 31]


@dataclass(frozen=True)
class Person:
    name: str
    surname: str
    male: bool
    phone: str
    id_number: str
    birth: date


class People:
    """Seeded source of unique people and identifiers for one demo load."""

    def __init__(self, rng: random.Random, fake: Faker):
        self.rng = rng
        self.fake = fake
        self._phones: set[str] = set()
        self._ids: set[str] = set()
        self._plates: set[str] = set()
        self._cards: set[str] = set()
        self._codes: set[str] = set()

    # Names -------------------------------------------------------------
    def given_name(self, male: bool) -> str:
        return self.fake.first_name_male() if male else self.fake.first_name_female()

    def surname(self) -> str:
        return self.fake.last_name()

    # Identifiers -------------------------------------------------------
    def phone(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self._phones:
                self._phones.add(number)
                return number

    def id_number(self, birth: date, male: bool) -> str:
        divisions = HANGZHOU_DIVISIONS if self.rng.random() < 0.7 else OTHER_DIVISIONS
        while True:
            seq = self.rng.randrange(0, 500) * 2 + (1 if male else 0)  # odd = male
            first17 = f"{self.rng.choice(divisions)}{birth:%Y%m%d}{seq:03d}"
            number = first17 + id_check_digit(first17)
            if number not in self._ids:
                self._ids.add(number)
                return number

    def credit_code(self, *, individual: bool = False) -> str:
        """An 18-character unified social credit code (GB 32100): 9 + type + division + body + check."""
        while True:
            body = "".join(self.rng.choice(_USCC_CHARS) for _ in range(9))
            first17 = f"9{2 if individual else 1}{self.rng.choice(HANGZHOU_DIVISIONS)}{body}"
            code = first17 + uscc_check_char(first17)
            if code not in self._codes:
                self._codes.add(code)
                return code

    def plate(self) -> str:
        """``浙A·12345`` style, unique; about one in six is a green new-energy plate (``浙A·D12345``)."""
        while True:
            region = self.rng.choice(PLATE_REGIONS)
            if self.rng.random() < 0.17:
                tail = self.rng.choice("DF") + f"{self.rng.randrange(10**5):05d}"
            else:
                letters = self.rng.randint(0, 2)
                chars = [self.rng.choice(_PLATE_LETTERS) for _ in range(letters)]
                chars += [self.rng.choice(string.digits) for _ in range(5 - letters)]
                self.rng.shuffle(chars)
                tail = "".join(chars)
            plate = f"{region}·{tail}"
            if plate not in self._plates:
                self._plates.add(plate)
                return plate

    def card_no(self) -> str:
        while True:
            card = f"{self.rng.randrange(10**9, 10**10)}"
            if card not in self._cards:
                self._cards.add(card)
                return card

    def car(self) -> str:
        return f"{self.rng.choice(CAR_BRANDS)} {self.rng.choice(CAR_COLOURS)}"

    # People ------------------------------------------------------------
    def birth(self, oldest: int, youngest: int) -> date:
        year = self.rng.randint(oldest, youngest)
        return date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))

    def person(
        self,
        *,
        male: bool | None = None,
        surname: str | None = None,
        born: tuple[int, int] = (1955, 1995),
        with_phone: bool = True,
        with_id: bool = True,
    ) -> Person:
        if male is None:
            male = self.rng.random() < 0.52
        birth = self.birth(*born)
        surname = surname or self.surname()
        return Person(
            name=surname + self.given_name(male),
            surname=surname,
            male=male,
            phone=self.phone() if with_phone else "",
            id_number=self.id_number(birth, male) if with_id else "",
            birth=birth,
        )

    def reserve(self, *, phones: tuple[str, ...] = (), ids: tuple[str, ...] = ()) -> None:
        """Mark fixed values (the demo logins' own people) as taken."""
        self._phones.update(phones)
        self._ids.update(ids)
