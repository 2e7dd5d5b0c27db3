"""The prompt-injection rule pack: the regular expression of each rule, built by attack
structure (see `injection` for what each structure is) from the words in six languages of
`injection_vocab` and `injection_vocab_act` (which also holds the key words a match must
contain). Every gap between two parts is a bounded window, so each rule is
linear in the text length (tests/test_injection.py checks the scaling on hostile inputs).

A rule pack is versioned (`RULE_PACK`): a change of any rule is a new version, recorded with
each finding, so a changed verdict can be traced to a changed rule.
"""

from __future__ import annotations

import re
from functools import cache

from llmops_cli.guardrails.injection_vocab import (
    _ADDRESSED_TO_MODEL,
    _AI_READER,
    _FAKE_BOUNDARY,
    _FORGET_WHAT,
    _FROM_NOW_ON,
    _G,
    _GL,
    _HIDDEN_INSTRUCTIONS,
    _INSTRUCTIONS,
    _INSTRUCTIONS_WEAK,
    _NEW_INSTRUCTIONS,
    _NO_LIMITS,
    _NOT_A,
    _OVERRIDE_STRONG,
    _OVERRIDE_VERB,
    _OWN,
    _PERSONA,
    _PRIOR,
    _PRIOR_WEAK,
    _RECEIVED,
    _REPORTED,
    _REVEAL,
    _ROLE,
    _TEMPLATE_TOKENS,
    _THIRD_PARTY,
    _TO_AGENT,
    _TOLD,
    _TOLD_YOU,
    _YOU_WILL,
)
from llmops_cli.guardrails.injection_vocab_act import (
    _ACT_NOW,
    _APPROVAL_CLAIMED,
    _CONCEAL,
    _DANGEROUS,
    _DECODE,
    _DROP_WARNINGS,
    _ENCODING,
    _EXFIL_VERB,
    _FICTION,
    _HIDDEN_ACT,
    _IDENTIFIER,
    _LINK_WORD,
    _NEVER_REFUSES,
    _NO_CONFIRM,
    _NO_CONFIRM_USER,
    _OBEY,
    _PERSONA_SETUP,
    _PLACEHOLDER,
    _SECRET_DATA,
    _TOOL,
    _TOOL_CALL,
    _URL,
    _WILDCARD,
)
from llmops_cli.guardrails.injection_vocab_agent import (
    _ADDRESS,
    _AGENT_WORD,
    _CODE,
    _CONVERSATION,
    _EXEC_MORE,
    _LABELLED_FOR_AGENT,
    _MEMORY_WRITE,
    _NO_CONFIRM_MORE,
    _NOT_MINE,
    _ROLE_ADDRESSED,
    _ROLE_HEADER_MORE,
    _SEND,
    _SEND_CJK,
    _STANDING_PERMISSION,
    _TO_ME,
    _TO_THE_AGENT,
    _TOOL_RESULT,
)
from llmops_cli.guardrails.injection_vocab_hijack import (
    _LIFTED,
    _NOT_OWN,
    _PERSONA_START,
    _REACH,
    _REACH_OUT,
    _ROLE_REPLACED,
    _THIRD_PERSON,
    _VOCATIVE,
    _WRITE,
)
from llmops_cli.guardrails.injection_vocab_more import (
    _AI_READER_MORE,
    _BEFORE_CHAT,
    _HIDDEN_SETUP,
    _NO_LIMITS_MORE,
    _OVERRIDE_MORE,
    _QUAL_NOUN,
    _RECEIVED_BY_YOU,
    _REVEAL_ANY,
    _REVEAL_SETUP_CJK,
    _S,
    _SYSTEM_PROMPT_NAMED,
    _UNLIMITED_MODE_CJK,
)
from llmops_cli.guardrails.injection_vocab_multi import (
    NAMED_TOOL_UNCONFIRMED,
    RULES_FORGOTTEN,
    SETUP_WHOLE,
)
from llmops_cli.guardrails.injection_vocab_roleplay import (
    _GIVEN_ASKED,
    _OPERATOR_RULES_VOID,
    ROLEPLAY_SET_UP,
)

RULE_PACK = "injection-2026.12.23"

# Rules too imprecise to count on their own (pooled false positives on the author sets' benign
# texts and hard negatives, bench/RESULTS.md "2026.12.5"): a finding of one of these counts only
# when the classifier's score also reaches the model's `threshold_soft` (chosen leaving one
# author set out, tools/train_injection_model.py). Every other rule counts alone.
# Soft: pooled precision (true findings / all findings) below 0.95 on the texts of the nine
# author sets (2026-12-02; the tally is in bench/RESULTS.md), except override-prior-instructions
# (0.93 on 303 findings): soft, it lost textbook overrides the classifier scores low.
SOFT_RULES: frozenset[str] = frozenset(
    {
        "chat-template-tokens",
        "exfiltrate-to-url",
        "markdown-image-exfiltration",
        "override-instructions-first",
        "override-new-instructions",
        "persona-named-jailbreak",
        "persona-without-limits",
        "reveal-hidden-instructions",
        "reveal-verbatim",
        "tool-call-unconfirmed",
        "addressed-agent-action",
        "ai-reader-obliged-to-act",
        "persona-free-of-operator",  # "you are not bound by the old contract rules anymore"
        "roleplay-set-up",  # injection_vocab_roleplay: all three are common in harmless text
        "operator-rules-void",
        "given-instructions",
        # 2026.12.17: a boundary marker quoted in a question or a bulletin; a URL template in
        # a talk's notes (out of fold, recent author sets: 5 false positives fewer, 1 miss more)
        "fake-boundary",
        "url-with-secret-data",
    }
)


# an action an agent is told to take: a dangerous verb, an imperative of the other languages, or
# a tool call (injection_vocab_act, injection_vocab_agent)
_ACTION = rf"(?:\b{_DANGEROUS}\b|{_EXEC_MORE}|\b{_TOOL_CALL}\b)"

RULES: dict[str, tuple[str, str]] = {
    # id: (category, pattern) — every pattern is matched case-insensitively
    "override-prior-instructions": (
        "instruction_override",
        rf"{_REPORTED}\b{_OVERRIDE_VERB}\b{_G}{_OWN}\b{_PRIOR}\b[^.!?\n]{{0,30}}?\b(?:"
        rf"{_INSTRUCTIONS}|{_INSTRUCTIONS_WEAK})\b{_THIRD_PARTY}|{_REPORTED}\b{_OVERRIDE_STRONG}\b{_G}\b{_PRIOR_WEAK}\b"
        rf"[^.!?\n]{{0,30}}?\b{_INSTRUCTIONS}\b{_THIRD_PARTY}|\b{_OVERRIDE_STRONG}\s+(?:everything|"
        rf"all|anything|whatever)\s+(?:(?:that )?(?:was |is )?(?:said |written |stated )?(?:above|"
        rf"before|earlier|previously|so far)|you (?:were|have been|'ve been) (?:told|given))|"
        rf"\b{_OVERRIDE_STRONG}\b{_G}\b{_INSTRUCTIONS}\b[^.!?\n]{{0,40}}?{_RECEIVED}|"
        rf"\b{_OVERRIDE_STRONG}\s+(?:tudo|todo|tout|alles|tutto)\b[^.!?\n]{{0,30}}?\b{_TOLD}|"
        rf"{_FORGET_WHAT}[^.!?\n]{{0,30}}?{_TOLD_YOU}",
    ),
    "override-instructions-first": (
        "instruction_override",
        rf"(?:\b{_PRIOR}\s+(?:\w+\s+){{0,2}}(?:{_INSTRUCTIONS}|{_INSTRUCTIONS_WEAK})|"
        rf"\b(?:{_INSTRUCTIONS}|{_INSTRUCTIONS_WEAK})\s+(?:\w+\s+)?{_PRIOR})\b[^.!?\n]{{0,30}}?"
        rf"\b(?:{_OVERRIDE_STRONG}|(?:are|is) (?:now )?(?:void|obsolete|cancell?ed|revoked|lifted|"
        rf"suspended|no longer valid|overridden|replaced|superseded)|no longer apply|(?:do|does) "
        rf"not apply|(?:sind|ist) (?:ab sofort |jetzt |nun )?(?:ungültig|aufgehoben|nichtig)|"
        rf"(?:sont|est) (?:désormais |maintenant )?(?:annulée?s?|caduques?|nulles?)|"
        rf"(?:son|están|quedan) (?:ahora )?(?:anuladas|inválidas|canceladas|sin efecto)|"
        rf"ya no (?:valen|son válidas|aplican)|ne (?:sont|valent) plus (?:valables|rien)|"
        rf"ne s'appliquent plus|gelten nicht mehr|não (?:valem|são) mais(?: válidas)?|"
        rf"non (?:valgono|sono) più(?: valide)?|no longer count|"
        rf"(?:são|estão) (?:agora )?(?:anuladas|inválidas|canceladas)|(?:sono) (?:ora )?"
        rf"(?:annullate|nulle|revocate))",
    ),
    "override-new-instructions": ("instruction_override", rf"\b{_NEW_INSTRUCTIONS}"),
    "override-from-now-on": (
        "instruction_override",
        rf"\b{_FROM_NOW_ON}\b[^.\n]{{0,60}}?\b{_YOU_WILL}\b{_GL}\b{_NO_LIMITS}",
    ),
    "persona-without-limits": (
        "persona_jailbreak",
        rf"\b{_PERSONA}\b[^\n]{{0,160}}?\b{_NO_LIMITS}\b",
    ),
    "persona-named-jailbreak": (
        "persona_jailbreak",
        r"\b(?:do anything now|DAN mode|jailbreak(?:ed)? mode|"
        r"(?:developer mode (?:enabled|on|activated)|modo (?:desarrollador|dios|sin restricciones)|"
        r"mode (?:développeur|sans limites)|entwicklermodus|modalità sviluppatore)"
        r"(?!\s+(?:on|in|for|of|sur|dans|de|du|des|en|auf|im|für|no|na|do|da|su|sul|nel|per|"
        r"del|para|my|the|a|an|your|this)\b)|(?-i:STAN|DUDE|AIM|DAN)|BetterDAN|AntiGPT|"
        r"evil ?(?:bot|confidant|gpt)|opposite mode)\b",
    ),
    "reveal-hidden-instructions": (
        "prompt_extraction",
        rf"\b{_REVEAL}\b[^.!?\n]{{0,60}}?{_NOT_A}{_HIDDEN_INSTRUCTIONS}",
    ),
    "reveal-verbatim": (
        "prompt_extraction",
        r"\b(?:repeat|print|output|copy|reproduce|echo)\b[^.!?\n]{0,40}?\b(?:everything|all|the "
        r"(?:text|words|content|lines?)|the first \w+ (?:lines|words|sentences))\b[^.!?\n]{0,40}?"
        r"\b(?:above|before|verbatim|word for word|starting with|that (?:came|comes) before)",
    ),
    "role-spoof-prefix": (
        "role_spoofing",
        rf"(?:^|\n)[ \t]*(?:[#*>=\[(-]{{1,4}}[ \t]*)?{_ROLE}(?:[ \t]*(?:message|prompt|note|"
        rf"override|instructions?|update))?[ \t]*[\])]?[ \t]*:[^\n]{{0,80}}?"
        rf"\b{_ADDRESSED_TO_MODEL}",
    ),
    "chat-template-tokens": (
        "role_spoofing",
        rf"(?:{_TEMPLATE_TOKENS})(?!\s*(?:tokens?|tags?|markers?|format|templates?|blocks?|means?|"
        rf"is|are|does|do|in)\b)",
    ),
    "fake-boundary": (
        "role_spoofing",
        rf"(?:[#=*\-_\[<{{]{{2,}}[ \t]*{_FAKE_BOUNDARY}|(?:^|\n)[ \t]*"
        rf"(?-i:{_FAKE_BOUNDARY.upper()}))\b",
    ),
    "addressed-to-ai-reader": ("planted_instruction", _AI_READER),
    "instruction-to-named-agent": ("planted_instruction", _TO_AGENT),
    "markdown-image-exfiltration": (
        "exfiltration",
        rf"!\[[^\]\n]{{0,200}}\]\(\s*{_URL}(?:[?&=/][^\s)]{{0,100}}?{_PLACEHOLDER}|[?&][\w-]{{1,40}}="
        rf"[^\s)&]{{0,300}}?[A-Za-z{{<$%])",
    ),
    "link-with-data-template": (
        "exfiltration",
        rf"{_URL}[?&][\w-]{{1,40}}=\s*{_PLACEHOLDER}",
    ),
    "exfiltrate-to-url": (
        "exfiltration",
        rf"\b{_EXFIL_VERB}\b[^.!?\n]{{0,80}}?\b{_SECRET_DATA}\b[^.!?\n]{{0,80}}?"
        rf"(?:\b{_LINK_WORD}|{_URL})",
    ),
    "url-with-secret-data": (
        "exfiltration",
        rf"(?:\b{_LINK_WORD}|{_URL})[^.!?\n]{{0,80}}?\b(?:with|containing|including|followed by|"
        rf"plus|where|replacing|filled with|set to)\b[^.!?\n]{{0,40}}?\b{_SECRET_DATA}\b",
    ),
    "tool-call-wildcard": (
        "tool_hijack",
        rf"\b{_TOOL_CALL}\b[^.!?\n]{{0,40}}?\b{_TOOL}[^.!?\n]{{0,80}}?{_WILDCARD}",
    ),
    "tool-call-unconfirmed": (
        "tool_hijack",
        rf"\b{_TOOL_CALL}\b[^.!?\n]{{0,40}}?\b{_TOOL}[^.!?\n]{{0,80}}?\b{_NO_CONFIRM}\b|"
        rf"\b{_DANGEROUS}\b[^.!?\n]{{0,80}}?\b{_NO_CONFIRM_USER}\b|\b{_NO_CONFIRM}\b[^.!?\n]{{0,60}}?"
        rf"\b{_TOOL_CALL}\b[^.!?\n]{{0,30}}?\b{_TOOL}|\b{_NO_CONFIRM_USER}\b[^.!?\n]{{0,60}}?"
        rf"\b{_DANGEROUS}\b",
    ),
    "tool-call-then-unconfirmed": (
        "tool_hijack",
        rf"\b{_TOOL_CALL}\b[^\n]{{0,40}}?\b(?:{_IDENTIFIER})[^\n]{{0,200}}?\b{_NO_CONFIRM}\b|"
        rf"\b{_NO_CONFIRM}\b[^\n]{{0,120}}?\b{_TOOL_CALL}\b[^\n]{{0,40}}?\b(?:{_IDENTIFIER})",
    ),
    "fiction-wrapper": (
        "persona_jailbreak",
        rf"\b{_FICTION}\b[^\n]{{0,300}}?\b{_DROP_WARNINGS}\b|"
        rf"\b{_DROP_WARNINGS}\b[^\n]{{0,200}}?\b{_FICTION}\b",
    ),
    "tool-call-exfiltrate": (
        "tool_hijack",
        rf"\b{_TOOL_CALL}\b[^.!?\n]{{0,40}}?\b{_TOOL}[^.!?\n]{{0,60}}?\b{_DANGEROUS}\b"
        rf"[^.!?\n]{{0,80}}?(?:[\w.+-]{{1,64}}@[\w-]{{1,63}}\.[\w.-]{{2,40}}|https?://|"
        rf"\b(?:to|into) "
        rf"(?:account|iban|wallet|address)\b|\bto (?:me|us|this (?:address|account|number))\b|"
        rf"\b(?:customer|contact|user|client|employee|patient)s? (?:list|data(?:base)?|"
        rf"records?)\b)",
    ),
    "action-hidden-from-user": (
        "tool_hijack",
        rf"{_HIDDEN_ACT}[^\n]{{0,200}}?(?:{_CONCEAL})|(?:{_CONCEAL})[^\n]{{0,120}}?{_HIDDEN_ACT}",
    ),
    "tool-call-json": (
        "tool_hijack",
        r"\"(?:tool_calls?|function_call|tool_use|tool_name|function)\"\s*:\s*[\[{\"]",
    ),
    "action-on-claimed-approval": (
        "tool_hijack",
        rf"{_ACT_NOW}[^\n]{{0,200}}?{_APPROVAL_CLAIMED}|{_APPROVAL_CLAIMED}[^\n]{{0,80}}?{_ACT_NOW}",
    ),
    "persona-never-refuses": (
        "persona_jailbreak",
        rf"{_PERSONA_SETUP}[^\n]{{0,160}}?{_NEVER_REFUSES}",
    ),
    # -- injection_vocab_more: structures across languages (2026.12.6) --
    "reveal-hidden-setup": (
        "prompt_extraction",
        rf"\b{_REVEAL_ANY}\b{_S}(?:{_HIDDEN_SETUP}|{_SYSTEM_PROMPT_NAMED})|"
        rf"\b{_REVEAL_ANY}\b{_S}\b(?:{_QUAL_NOUN})\b"
        rf"[^.!?\n]{{0,40}}?{_RECEIVED_BY_YOU}|{_REVEAL_SETUP_CJK}",
    ),
    "reveal-text-before-chat": (
        "prompt_extraction",
        rf"\b{_REVEAL_ANY}\b[^.!?\n]{{0,100}}?{_BEFORE_CHAT}",
    ),
    "tool-output-to-agent": (
        "tool_hijack",
        rf"\b{_TOOL_RESULT}\b[^\n]{{0,200}}?{_TO_THE_AGENT}[^\n]{{0,60}}?{_ACTION}",
    ),
    "agent-told-to-run-code": (
        "tool_hijack",
        rf"(?:^|(?<=[\n.!?:;>\"'«“(\[]))[ \t]{{0,8}}{_TO_THE_AGENT}[^\n]{{0,80}}?{_CODE}",
    ),
    "send-conversation-out": (
        "exfiltration",
        rf"(?:\b{_SEND}|{_SEND_CJK})[^.!?。\n]{{0,60}}?{_CONVERSATION}{_NOT_MINE}{{0,80}}?{_TO_ME}"
        rf"{_ADDRESS}",
    ),
    "override-prior-more": ("instruction_override", _OVERRIDE_MORE),
    "tool-call-unconfirmed-more": (
        "tool_hijack",
        rf"{_ACTION}[^\n]{{0,120}}?(?:{_CODE}|"
        rf"{_WILDCARD})[^\n]{{0,120}}?{_NO_CONFIRM_MORE}",
    ),
    "addressed-to-ai-reader-more": ("planted_instruction", _AI_READER_MORE),
    "persona-unlimited-mode": ("persona_jailbreak", _UNLIMITED_MODE_CJK),
    "persona-no-limits-more": ("persona_jailbreak", _NO_LIMITS_MORE),
    "memory-poisoning": (
        "tool_hijack",
        rf"{_MEMORY_WRITE}[^\n]{{0,120}}?{_STANDING_PERMISSION}",
    ),
    "role-header-more": ("role_spoofing", _ROLE_HEADER_MORE),
    "addressed-agent-action": (
        "tool_hijack",
        rf"{_ROLE_ADDRESSED}[^\n]{{0,80}}?(?:\b{_DANGEROUS}\b|{_EXEC_MORE}|"
        rf"\b(?:book|buche|reserv\w{{0,4}}|prenot\w{{0,4}}|set|change|update|cancel|approve|"
        rf"confirm\w{{0,4}}|modifi\w{{0,4}}|ändere|aktualisiere|storniere|genehmige|usuń|zmień|"
        rf"переведи|выполни|измени|удали|aprove|altere|cancele|aprueba|cambia|cancela|approva|"
        rf"cambia|annulla|chiudi|tick|mark)\b)",
    ),
    "labelled-instruction-for-agent": (
        "tool_hijack",
        rf"\b{_LABELLED_FOR_AGENT}{_AGENT_WORD}\s*[:：][^\n]{{0,60}}?{_ACTION}",
    ),
    # -- injection_vocab_hijack (2026.12.11) --
    "ai-reader-told-to-act": (
        "tool_hijack",
        rf"{_VOCATIVE}{_NOT_OWN}[^\n]{{0,80}}?{_WRITE}[^\n]{{0,160}}?{_REACH}",
    ),
    # the same in the third person ("your assistant needs to ... to x@y"): specs and runbooks
    # speak of their bots so, hence a narrower reach, and soft (2026.12.12, after review)
    "ai-reader-obliged-to-act": (
        "tool_hijack",
        rf"{_THIRD_PERSON}{_NOT_OWN}[^\n]{{0,80}}?{_WRITE}[^\n]{{0,160}}?{_REACH_OUT}",
    ),
    "persona-free-of-operator": (
        "persona_jailbreak",
        rf"{_PERSONA_START}[^\n]{{0,160}}?{_LIFTED}",
    ),
    "persona-replaces-assistant": (
        "persona_jailbreak",
        _ROLE_REPLACED,
    ),
    "decode-and-obey": (
        "encoded_payload",
        rf"\b{_DECODE}\b[^.!?\n]{{0,60}}?\b{_ENCODING}\b[^\n]{{0,200}}?\b{_OBEY}\b",
    ),
    # -- injection_vocab_roleplay (2026.12.12), all soft --
    "roleplay-set-up": ("persona_jailbreak", ROLEPLAY_SET_UP),
    "operator-rules-void": ("instruction_override", _OPERATOR_RULES_VOID),
    "given-instructions": ("prompt_extraction", _GIVEN_ASKED),
    # -- injection_vocab_multi (2026.12.14) --
    "named-tool-unconfirmed": ("tool_hijack", NAMED_TOOL_UNCONFIRMED),
    "setup-whole": ("prompt_extraction", SETUP_WHOLE),
    "rules-forgotten": ("instruction_override", RULES_FORGOTTEN),
}


@cache
def compiled() -> dict[str, tuple[str, re.Pattern[str]]]:
    """The rules compiled on first use (about 0.25 s, so importing this module stays cheap)."""
    return {rule: (cat, re.compile(p, re.IGNORECASE)) for rule, (cat, p) in RULES.items()}
