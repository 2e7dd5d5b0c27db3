"""A realistic mixed log in which every text is distinct: chat questions, application log
lines, e-mails, support messages holding PII, and prompt-injection attacks and hard negatives
(from the repository's labelled corpora) set in varied context. Texts come from templates
whose fields (names, ids, hosts, times, amounts, products, languages) vary per record, so a
per-text verdict cache saves nothing, as on a real production log. Deterministic (seeded)."""

from __future__ import annotations

import json
import random
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"

NAMES = "Ana Ben Chloé Dmitri Emma Farid Grace Hiro Ines Jonas Kofi Lena Mateo Nora Omar Priya"
SURNAMES = "Smith Müller García Dubois Rossi Kowalski Nguyen Okafor Silva Jensen Tanaka Novak"
PRODUCTS = (
    "the billing dashboard",
    "the mobile app",
    "the API",
    "the CSV export",
    "SSO",
    "the webhook",
    "the invoice PDF",
    "two-factor login",
    "the search page",
    "Slack sync",
)
VERBS = (
    "reset",
    "export",
    "configure",
    "cancel",
    "rotate",
    "upgrade",
    "merge",
    "archive",
    "share",
    "migrate",
    "delete",
    "rename",
)
SERVICES = ("api-gateway", "auth", "billing", "search", "worker", "scheduler", "ingest", "web")
LEVELS = ("INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR")
EVENTS = (
    "user.login.ok",
    "job.finished",
    "cache.miss",
    "payment.captured",
    "token.refreshed",
    "export.started",
    "retry.scheduled",
    "session.expired",
)
CHAT = (
    "How do I {verb} {product}? I tried twice and nothing happened.",
    "Can you explain why {product} shows {n} items when I only have {m}?",
    "What's the difference between the {plan} and {plan2} plans for a team of {n}?",
    "Is it possible to {verb} {product} without losing the history from {month}?",
    "My colleague {name} says {product} is slow since {weekday}. Is there an outage?",
    "Please summarise this thread in {n} bullet points and keep the tone friendly.",
    "Write a short apology to a customer whose order #{order} arrived {n} days late.",
    "Translate into {lang}: 'Your subscription renews on {month} {day}.'",
    "Why does {product} say 'error {code}' when I {verb} it from {city}?",
    "¿Cómo puedo {verb_es} mi cuenta? Lo intenté {n} veces desde {city}.",
    "Comment puis-je exporter mes factures de {month} au format CSV ?",
    "Wie kann ich {product} für {n} Nutzer freischalten? Danke, {name}",
    "Ignore the typo in my last message, I meant {product}, not {product2}. How do I {verb} it?",
    "Act as a reviewer: is this SQL ok? SELECT * FROM orders WHERE id = {order};",
    "Can you decode this base64 for me? It came in a support ticket: {b64}",
)
LOGS = (
    "{ts} {level} {service} request_id={hex} user_id={n} path=/v1/{res}/{m} status={code} "
    "latency_ms={lat}",
    "{ts} {level} {service} event={event} account={m} duration={lat}ms",
    "{ts} ERROR {service} upstream connect error: db-{n}.internal:5432 refused after {m} retries",
    "{ts} WARN {service} slow query ({lat} ms): SELECT id FROM {res} WHERE tenant_id = {n}",
    "{ts} INFO {service} client {ip} GET /healthz 200 {lat}ms",
    "{ts} INFO {service} deployed version {ver} build {hex} to {region}",
    "[{ts}] {service}: job {hex} finished, {n} rows written, {m} skipped",
    "{ts} DEBUG {service} cache key tenant:{n}:{res}:{hex} ttl={m}s",
    "{ts} ERROR {service} HTTPSConnectionPool(host='127.0.0.1', port={port}): timed out",
    "{ts} INFO {service} webhook delivered to https://hooks.{domain}/in/{hex} in {lat} ms",
)
EMAILS = (
    "Hi {name},\n\nThanks for getting back to me about order #{order}. The replacement arrived "
    "on {weekday} and works fine. Could you close ticket {ticket}?\n\nBest,\n{name2} {surname}",
    "Hello team,\n\nReminder: the {month} planning meeting moves to {weekday} at {hour}:00. "
    "Agenda: {product}, hiring, budget.\n\nCheers,\n{name}",
    "Dear {name} {surname},\n\nyour invoice {ticket} of {amount} EUR is due on {month} {day}. "
    "If you already paid, please ignore this message.\n\nKind regards,\nAccounts",
    "Hi {name}, forwarding {name2}'s question below. Can you take it?\n> How do we {verb} "
    "{product} for the {city} office?",
)
PII = (
    "Please update my email to {email} and send the receipt there.",
    "You can reach me on {phone} after {hour} pm, ask for {name}.",
    "My card {card} was charged twice for order #{order}, please refund one.",
    "Wire the deposit to IBAN {iban}, reference {ticket}.",
    "Customer {name} {surname}, SSN {ssn}, asked to close the account.",
    "Login failures from {ip} for {email} since {hour}:{minute}, {n} attempts.",
    "Call {name} at +49 151 {d4} {d4b} or write to {email}.",
    "See the screenshot at https://files.{domain}/share/{hex} (expires in {n} days).",
    "Mi teléfono es +34 6{d2} {d3} {d3b} y mi correo {email}.",
)
CONTEXT = (
    "{text}",
    "Customer message (ticket {ticket}): {text}",
    "Review by {name} for {product}: {text}",
    "{text}\n\n-- sent from my phone, {name}",
    "Retrieved document {hex}.txt:\n{text}",
    "Q from {name} ({city}): {text}",
)


def _luhn_complete(prefix: str, length: int, rng: random.Random) -> str:
    digits = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
    total = 0
    for i, d in enumerate(reversed(digits)):
        v = int(d) * (2 if i % 2 == 0 else 1)
        total += v - 9 if v > 9 else v
    return digits + str((10 - total % 10) % 10)


def _iban(rng: random.Random) -> str:
    bban = "".join(rng.choice("0123456789") for _ in range(18))
    check = 98 - int(bban + "131400") % 97  # DE = 13 14, check digits 00
    code = f"DE{check:02d}{bban}"
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def _fields(rng: random.Random) -> dict[str, str]:
    names, surnames = NAMES.split(), SURNAMES.split()
    hexid = "".join(rng.choice("0123456789abcdef") for _ in range(rng.choice((8, 12, 16))))
    card = _luhn_complete(rng.choice(("4", "51", "22")), 16, rng)
    name = rng.choice(names)
    domain = rng.choice(("example.com", "acme.io", "contoso.net", "globex.de", "initech.fr"))
    return {
        "name": name,
        "name2": rng.choice(names),
        "surname": rng.choice(surnames),
        "verb": rng.choice(VERBS),
        "verb_es": rng.choice(("cerrar", "borrar", "recuperar", "cambiar")),
        "product": rng.choice(PRODUCTS),
        "product2": rng.choice(PRODUCTS),
        "plan": rng.choice(("Free", "Team", "Pro")),
        "plan2": rng.choice(("Business", "Enterprise")),
        "n": str(rng.randint(2, 999)),
        "m": str(rng.randint(1, 99_999)),
        "order": str(rng.randint(10_000, 999_999)),
        "ticket": f"{rng.choice('ABCDEFGHJK')}{rng.randint(1000, 99999)}",
        "month": rng.choice(("January", "March", "May", "July", "September", "November")),
        "weekday": rng.choice(("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")),
        "day": str(rng.randint(1, 28)),
        "hour": str(rng.randint(1, 12)),
        "minute": f"{rng.randint(0, 59):02d}",
        "city": rng.choice(("Lisbon", "Berlin", "Austin", "Osaka", "Lagos", "Lyon", "Kraków")),
        "lang": rng.choice(("French", "German", "Spanish", "Japanese", "Polish")),
        "code": rng.choice(("200", "201", "204", "301", "400", "401", "403", "404", "500", "503")),
        "ts": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:"
        f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d}Z",
        "level": rng.choice(LEVELS),
        "service": rng.choice(SERVICES),
        "hex": hexid,
        "res": rng.choice(("orders", "users", "invoices", "sessions", "events")),
        "lat": str(rng.randint(1, 4000)),
        "event": rng.choice(EVENTS),
        "ip": f"{rng.choice((10, 172, 192, 84))}.{rng.randint(0, 255)}.{rng.randint(0, 255)}."
        f"{rng.randint(1, 254)}",
        "ver": f"{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 99)}",
        "region": rng.choice(("eu-west-1", "us-east-2", "ap-south-1")),
        "port": str(rng.randint(1024, 65535)),
        "domain": domain,
        "amount": f"{rng.randint(10, 9999)}.{rng.randint(0, 99):02d}",
        "email": f"{name.lower().replace('é', 'e')}.{rng.choice(surnames).lower()}"
        f"{rng.randint(1, 99)}@{domain}",
        "phone": f"({rng.randint(201, 989)}) {rng.randint(200, 999)}-{rng.randint(1000, 9999)}",
        "card": " ".join(card[i : i + 4] for i in range(0, 16, 4)),
        "iban": _iban(rng),
        "ssn": f"{rng.randint(100, 665)}-{rng.randint(10, 99)}-{rng.randint(1000, 9999)}",
        "d2": str(rng.randint(10, 99)),
        "d3": str(rng.randint(100, 999)),
        "d3b": str(rng.randint(100, 999)),
        "d4": str(rng.randint(1000, 9999)),
        "d4b": str(rng.randint(1000, 9999)),
        "b64": rng.choice(
            ("SGVsbG8sIHBsZWFzZSByZXNldCBteSBwYXNzd29yZA==", "dGlja2V0IDQ0MjEgY2xvc2Vk")
        ),
    }


def _corpus(label: str) -> list[str]:
    """Attacks (label "injection") or benign hard negatives of the labelled corpora."""
    out = []
    for name in ("injection_dev", "guardrails_corpus"):
        for line in (DATA / f"{name}.jsonl").open(encoding="utf-8"):
            row = json.loads(line)
            attack = row.get("label") == "injection" or row.get("injection") is True
            if attack == (label == "injection"):
                out.append(row["text"])
    return out


def mixed_texts(count: int, seed: int = 18) -> list[str]:
    """`count` distinct texts: ~30% chat, 30% log lines, 12% e-mails, 13% PII, 10% attacks,
    5% benign texts from the injection corpora (hard negatives among them)."""
    rng = random.Random(seed)
    attacks, benign = _corpus("injection"), _corpus("benign")
    kinds = (("chat", 30), ("log", 30), ("email", 12), ("pii", 13), ("attack", 10), ("benign", 5))
    population = [k for k, w in kinds for _ in range(w)]
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < count:
        kind, f = rng.choice(population), _fields(rng)
        if kind in ("attack", "benign"):
            f["text"] = rng.choice(attacks if kind == "attack" else benign)
            text = rng.choice(CONTEXT).format(**f)
        else:
            pool = {"chat": CHAT, "log": LOGS, "email": EMAILS, "pii": PII}[kind]
            text = rng.choice(pool).format(**f)
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out


def write_log(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for i, text in enumerate(mixed_texts(count)):
            out.write(json.dumps({"id": i, "text": text}, ensure_ascii=False) + "\n")
