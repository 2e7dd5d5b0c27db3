"""Prompt-injection rules: the high-precision layer, checked on every view of a text.

Rules are written by attack structure, not by phrase: an override is an imperative aimed at
the model's prior instructions; a persona switch is a new role *and* the lifting of limits; an
extraction asks for the hidden instructions (or a transformation of them); a spoof is a role
or turn marker the user should not be able to write; a planted instruction is document text
addressed to an AI reader; exfiltration is a link or image whose URL is to be filled with
conversation data; a hijack is a named tool call with wildcard arguments or without the
user's confirmation. Each has its words in English, Spanish, French, German, Portuguese and
Italian. Every gap between two parts is a bounded window, so each rule is linear in the text
length (tests/test_injection.py checks the scaling on hostile inputs).

The rules themselves, with their version (`RULE_PACK`), live in `injection_rules`; this module
runs them on every view of a text and combines them with the shipped classifier (`detect`):
a text is an injection when a precise rule fires, or a soft rule (`SOFT_RULES`: those whose
precision on the labelled author sets was poor) fires and the classifier's score reaches the
model's `threshold_soft`, or the classifier's score alone reaches its cuts
(`_classifier_counts`). A soft rule's finding still names the rules layer and its rule, with
the score that let it count. Without the classifier (`find_injection`, `detect(...,
classifier=False)`) every rule counts alone. The cuts are chosen leaving one author set out
(tools/train_injection_model.py; llmops_cli/guardrails/injection_model.md).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from llmops_cli.guardrails.injection_context import (
    ADDRESSED,
    NAMED_MODES,
    OVERRIDES,
    SELF_HELP,
    about_attacks,
    asked_how_to,
    asks_about_the_characters,
    asks_only_a_form,
    asks_to_obey,
    disowns_what_it_quotes,
    names_a_version,
    quotation_opens_at,
    quoted,
    replaces_a_version,
    reports_on_attacks,
    too_short,
)
from llmops_cli.guardrails.injection_context import asks_a_question as asks_a_question
from llmops_cli.guardrails.injection_rules import RULE_PACK, RULES, SOFT_RULES, compiled
from llmops_cli.guardrails.injection_vocab_act import (
    DECODE_CUE,
    DECODED_VIAS,
    KEY_WORDS,
    MENTION_CUE,
    MENTIONABLE,
    OBEY_CUE,
)
from llmops_cli.guardrails.model import InjectionModel
from llmops_cli.guardrails.normalize import Normalised, views
from llmops_cli.guardrails.normalize import normalise as normalise
from llmops_cli.guardrails.prefilter import UNFOLDED, compile_condition, rule_conditions


@dataclass(frozen=True, slots=True)
class InjectionFinding:
    rule: str
    category: str
    via: str  # the view it was found in: "text", "base64", "hex", "url", "tags", "rot13", ...
    rule_pack: str = RULE_PACK
    layer: str = "rules"  # or "classifier" (the shipped model), "llm" (a model manifest)
    score: float | None = None  # the classifier's probability

    def to_dict(self) -> dict[str, str | float]:
        out: dict[str, str | float] = {
            "layer": self.layer,
            "rule": self.rule,
            "category": self.category,
            "via": self.via,
        }
        if self.score is not None:
            out["score"] = round(self.score, 4)
        return out


@cache
def _cues() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    flags = re.IGNORECASE
    return (
        re.compile(rf"\b{DECODE_CUE}\b", flags),
        re.compile(rf"\b{OBEY_CUE}\b", flags),
        re.compile(MENTION_CUE, flags),
    )


def _fires(
    rule: str, pattern: re.Pattern[str], text: str, mention: bool, report: bool = False
) -> bool:
    """A match, unless the rule's words are only quoted in a text that talks about attacks
    ("an attacker writes 'ignore previous instructions'"): a mention, not a use; an override
    asked about as a how-to question is the writer's own task, not an order to the model; a
    note to the AI reader that asks only for a form of the answer is the writer's request;
    in a report on attacks (`report`) no mentionable rule fires, quoted or not."""
    if rule in SELF_HELP and asked_how_to(pattern, text):
        return False
    if report and rule in MENTIONABLE:
        return False
    quoted_counts = not (mention and rule in MENTIONABLE)
    if not quoted_counts and rule == "chat-template-tokens" and "?" in text:
        return False  # a question about a chat format or parser quotes its markers
    version = rule in OVERRIDES and replaces_a_version(text)
    if quoted_counts and rule not in ADDRESSED and not version:
        return pattern.search(text) is not None
    return any(
        (quoted_counts or not quoted(text, m.start()) or _named_mode(rule, text, m.start()))
        and (rule not in ADDRESSED or not asks_only_a_form(text, m.end()))
        and not (version and names_a_version(text, m.start(), m.end()))
        for m in pattern.finditer(text)
    )


def _named_mode(rule: str, text: str, start: int) -> bool:
    """Whether the match is a mode's name quoted in the attack's own sentence (NAMED_MODES)."""
    return rule in NAMED_MODES and quotation_opens_at(text, start)


@cache
def _rules_of_key() -> tuple[tuple[str, frozenset[str]], ...]:
    """Each key word once, with the rules it lets run (one substring test per word, not
    per rule and word)."""
    rules: dict[str, set[str]] = {}
    for rule, words in KEY_WORDS.items():
        for word in words:
            rules.setdefault(word, set()).add(rule)
    return tuple((word, frozenset(r)) for word, r in rules.items())


@cache
def _key_word_finder() -> tuple[re.Pattern[str], dict[str, frozenset[str]]]:
    """One scan for every key word: a trie of them as a regular expression, tried at each
    position (a lookahead), which matches the longest key word starting there; every key
    word found there is a prefix of that one, so each longest match maps to the rules of
    all its key-word prefixes."""
    rules = dict(_rules_of_key())
    trie: dict[str, Any] = {}
    for word in rules:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def alternatives(node: dict[str, Any]) -> str:
        branches = [re.escape(c) + alternatives(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    of_match = {
        word: frozenset().union(*(rules.get(word[:n], ()) for n in range(1, len(word) + 1)))
        for word in rules
    }
    return re.compile(f"(?=({alternatives(trie)}))"), of_match


def _candidates(text: str, low: str | None = None) -> set[str]:
    """The rules one of whose key words occurs in the text (`low`: the text lower-cased)."""
    low = text.lower() if low is None else low
    finder, of_match = _key_word_finder()
    out: set[str] = set()
    for word in set(finder.findall(low)):
        out |= of_match[word]
    return out


@cache
def _conditions() -> dict[str, Callable[[str], bool]]:
    """Per rule, the substring tests every match of its pattern passes (`prefilter`)."""
    return {rule: compile_condition(q) for rule, q in rule_conditions(RULES).items()}


def _possible(text: str) -> set[str]:
    """The rules that can match the text: one of the rule's key words occurs, and so do
    the literals every match of its pattern holds (a text with a character `str.lower`
    does not fold as the patterns do is tested for key words alone)."""
    low = text.lower()
    wanted = _candidates(text, low)
    if UNFOLDED.search(text):
        return wanted
    conditions = _conditions()
    return {rule for rule in wanted if conditions[rule](low)}


def scan(text: str, via: str = "text", prefilter: bool = True) -> list[InjectionFinding]:
    """The rules that fire on one view (a rule none of whose key words occur, or without
    the literals every match holds, is skipped)."""
    wanted = _possible(text) if prefilter else set(KEY_WORDS)
    # a text about attacks (the mention cue, or the words that bar the classifier: suspicion,
    # phishing, bulletins) quotes them: a quoted match of a MENTIONABLE rule is a mention; in
    # a report on attacks, or a text its writer pastes to have it read, not obeyed, any is
    disowned = disowns_what_it_quotes(text)
    mention = bool(wanted & MENTIONABLE) and (
        disowned or _cues()[2].search(text) is not None or about_attacks(text)
    )
    report = mention and (disowned or reports_on_attacks(text))
    return [
        InjectionFinding(rule, category, via)
        for rule, (category, pattern) in compiled().items()
        if rule in wanted and _fires(rule, pattern, text, mention, report)
    ]


def _decode_and_obey(normalised: Normalised) -> InjectionFinding | None:
    """An encoded run the text asks to have decoded and obeyed: the request anywhere in the
    text (two linear searches), the payload whatever it says."""
    decoded = next((v.via for v in normalised.views if v.via in DECODED_VIAS), None)
    decode, obey, _ = _cues()
    text = normalised.text
    if decoded is None or not decode.search(text) or not asks_to_obey(obey, text):
        return None
    # as for the rules: a pasted text read, not obeyed, and a report on attacks describe
    # payloads (the decoded view is scanned anyway)
    if disowns_what_it_quotes(text) or reports_on_attacks(text):
        return None
    return InjectionFinding("decode-and-obey", "encoded_payload", decoded)


_WORD = re.compile(r"[a-z]+")
_ASCII_LETTERS = re.compile(r"[A-Za-z]+")  # what `c.isascii() and c.isalpha()` holds
# words frequent in any instruction: a rot13 reading holding more of them than the text is
# worth scanning (plain prose read as rot13 holds next to none)
_COMMON = frozenset(
    [
        "the",
        "a",
        "an",
        "to",
        "of",
        "and",
        "or",
        "you",
        "your",
        "all",
        "any",
        "is",
        "are",
        "be",
        "in",
        "on",
        "for",
        "with",
        "this",
        "that",
        "it",
        "me",
        "my",
        "now",
        "ignore",
        "previous",
        "instructions",
        "system",
        "prompt",
        "rules",
        "say",
        "tell",
        "reveal",
        "send",
        "print",
    ]
)


def _reads_better_as_rot13(text: str) -> bool:
    head = text[:2000].lower()
    letters = sum(map(len, _ASCII_LETTERS.findall(head)))
    if not (letters > 0.6 * len(head) and len(text) >= 12):
        return False
    plain = sum(w in _COMMON for w in _WORD.findall(head))
    rotated = sum(w in _COMMON for w in _WORD.findall(codecs.encode(head, "rot13")))
    return rotated > plain


def rule_findings(normalised: Normalised) -> list[InjectionFinding]:
    """Rules over every view (each rule reported once, in the first view it fires in), and
    the hidden characters when they are used the way smuggling uses them."""
    findings: list[InjectionFinding] = []
    seen: set[str] = set()
    for view in normalised.views:
        for finding in scan(view.text, view.via):
            if finding.rule not in seen:
                seen.add(finding.rule)
                findings.append(finding)
    if not findings and _reads_better_as_rot13(text := normalised.text):  # rot13 needs no cue
        findings = scan(codecs.encode(text, "rot13"), "rot13")
    if "decode-and-obey" not in seen and (obeyed := _decode_and_obey(normalised)) is not None:
        findings.append(obeyed)
    if normalised.suspicious and not asks_about_the_characters(normalised.text):
        findings.append(InjectionFinding("invisible-unicode", "hidden_characters", "unicode"))
    return findings


def find_injection(text: str) -> list[InjectionFinding]:
    """Every rule that fires on the text or one of its decoded views (no classifier)."""
    return rule_findings(views(text))


MODEL_RULE = "injection-model"
# a pronoun of the reader being addressed (the model, for an injection): you, du, tu, vous...
_SECOND_PERSON = re.compile(
    r"\b(?:you|your|yours|yourself|du|dich|dir|dein\w*|tu|te|ti|toi|vous|votre|vos|você|"
    r"voce|seu|sua|tuo|tua|tus)\b",
    re.IGNORECASE,
)


def _classifier_counts(model: InjectionModel, score: float, normalised: Normalised) -> bool:
    """From `threshold_alone` the score counts on its own; below it the text must not end by
    asking a question, and below `threshold_plain` it must also address its reader as "you"
    (an instruction tells someone; a question, a description or a log line does not). A text
    `too_short`, one `about_attacks` or one that `disowns_what_it_quotes`, never counts on the
    classifier alone."""
    text = normalised.text
    if too_short(normalised) or about_attacks(text) or disowns_what_it_quotes(text):
        return False
    if model.threshold_alone is None or score >= model.threshold_alone:
        return True
    if asks_a_question(text):
        return False
    plain = model.threshold_plain
    return plain is None or score >= plain or _SECOND_PERSON.search(text) is not None


def _best(
    model: InjectionModel, normalised: Normalised, scores: Sequence[float] | None
) -> tuple[float, str]:
    """The classifier's highest score over the views, and the view it was found in."""
    if scores is None:
        scores = [model.score(view.text) for view in normalised.views]
    best, where = 0.0, "text"
    for view, score in zip(normalised.views, scores, strict=True):
        if score > best:
            best, where = score, view.via
    return best, where


def model_finding(
    normalised: Normalised, threshold: float | None = None, scores: Sequence[float] | None = None
) -> InjectionFinding | None:
    """The shipped classifier's verdict: its highest score over the views, when that reaches
    the model's stand-alone threshold, or a lower one with the cues `_classifier_counts`
    asks for (or, given `threshold`, when it reaches that). `scores`: the model's score of
    each view, when already computed (`detect_many`)."""
    from llmops_cli.guardrails.model import load

    model = load()
    best, where = _best(model, normalised, scores)
    cut = model.threshold if threshold is None else threshold
    if best < cut:
        return None
    if threshold is None and not _classifier_counts(model, best, normalised):
        return None
    return InjectionFinding(MODEL_RULE, "classifier", where, layer="classifier", score=best)


def soft_rules_counted(
    findings: list[InjectionFinding], normalised: Normalised, scores: Sequence[float] | None = None
) -> list[InjectionFinding]:
    """The rule findings that count with the classifier on: a precise rule's as it is; a soft
    rule's (`SOFT_RULES`) only when the classifier's highest score reaches the model's
    `threshold_soft`, and then with that score."""
    if not any(f.rule in SOFT_RULES for f in findings):
        return findings
    from llmops_cli.guardrails.model import load

    model = load()
    best, _ = _best(model, normalised, scores)
    soft_cut = model.threshold_soft
    kept = []
    for finding in findings:
        if finding.rule not in SOFT_RULES or soft_cut is None:
            kept.append(finding)
        elif best >= soft_cut:
            kept.append(replace(finding, score=best))
    return kept


def detect_many(texts: Sequence[str], classifier: bool = True) -> list[list[InjectionFinding]]:
    """`detect` of each text, the classifier scoring every view of the batch at once
    (`InjectionModel.score_many`: numpy for a large batch, the same scores)."""
    normalised = [views(text) for text in texts]
    found = [rule_findings(n) for n in normalised]
    if classifier:
        from llmops_cli.guardrails.model import load

        flat = load().score_many([v.text for n in normalised for v in n.views])
        at = 0
        for k, n in enumerate(normalised):
            scores, at = flat[at : at + len(n.views)], at + len(n.views)
            found[k] = soft_rules_counted(found[k], n, scores)
            if (model := model_finding(n, scores=scores)) is not None:
                found[k].append(model)
    return found


def detect(text: str, classifier: bool = True) -> list[InjectionFinding]:
    """Rules OR classifier: every precise rule that fires on a view, every soft rule that fires
    when the classifier's score reaches `threshold_soft`, plus the classifier's finding when
    its score reaches its cuts. Without the classifier every rule counts alone. What `llmops
    guard` and eval's screening run."""
    normalised = views(text)
    findings = rule_findings(normalised)
    if classifier:
        findings = soft_rules_counted(findings, normalised)
        if (found := model_finding(normalised)) is not None:
            findings.append(found)
    return findings
