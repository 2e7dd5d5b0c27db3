"""The prompt-injection rule pack: each rule's words in six languages, the regular expression
built from them by attack structure (see `injection` for what each structure is), and the key
words a match must contain. Every gap between two parts is a bounded window, so each rule is
linear in the text length (tests/test_injection.py checks the scaling on hostile inputs).

A rule pack is versioned (`RULE_PACK`): a change of any rule is a new version, recorded with
each finding, so a changed verdict can be traced to a changed rule.
"""

from __future__ import annotations

import re
from functools import cache

RULE_PACK = "injection-2026.12.1"


def _any(*words: str) -> str:
    return "(?:" + "|".join(words) + ")"


_G = r"[^.!?\n]{0,50}?"  # a bounded gap inside one sentence
_GL = r"[^\n]{0,120}?"  # a longer bounded gap inside one line

# -- override: an imperative aimed at the prior instructions ----------------------------------
_OVERRIDE_VERB = _any(
    r"deja de lado|no tengas en cuenta|pasa por alto|ne tiens (?:plus |pas )?compte d[eu']|"
    r"laisse tomber|fais fi d[eu']|passe outre|kümmere dich nicht um|deixe de lado|"
    r"não leve em conta|lascia perdere|non tenere conto d\w*|metti da parte|"
    r"ignore|ignoring|disregard|forget|skip|override|overwrite|bypass|abandon|discard|drop|"
    r"neglect|dismiss|erase|delete|wipe|cancel|revoke|void|nullify|scrap|ditch|suspend|"
    r"deactivate|disable|set aside|put aside|throw out|toss|pay no (?:attention|heed|mind) to|"
    r"(?:stop|quit|cease) (?:following|obeying|applying|using)|"
    r"(?:do not|don't|dont|no longer|never) (?:follow|obey|apply|respect|honou?r|adhere to)|"
    r"(?:are|is) (?:now )?(?:void|obsolete|cancell?ed|revoked|lifted|suspended|no longer valid)|"
    r"no hagas caso (?:a|de)|haz caso omiso (?:a|de)|ignor[ae]\w*|olvid[ae]\w*|"
    r"descart[ae]\w*|omit[ae]\w*|salt[ae]\w*|anul[ae]\w*|"
    r"desobedec\w*|esque[çc]\w*|desconsider\w*|dimentic\w*|tralascia\w*|scarta\w*|annull?a\w*|"
    r"(?:no|não|nao|non) (?:sigas|sigan|siga|segua|seguir|obedezcas|obede[çc]a|rispettare)|"
    r"ignor(?:e|ez|er|ons)|oubli(?:e|ez|er|ons)|n[ée]glige[zr]?|écarte[zr]?|"
    r"fais abstraction d[eu']|faites abstraction d[eu']|"
    r"ne (?:suis|suivez|respecte|respectez|tiens|tenez) (?:plus |pas )|ignorier\w*|vergiss|"
    r"vergessen sie|missacht\w*|übergeh\w*|verwirf|setze? \w+ außer kraft|"
    r"befolge \w+ (?:nicht|keine)"
)
_PRIOR_WEAK = _any(
    r"all|any|every|the|these|those|current|existing|old|todas?|todos?|las|los|toutes?|tous|"
    r"les|alle[ns]?|die|tutte|tutti|le|as|os"
)
_PRIOR = _any(
    r"previous|prior|above|earlier|preceding|foregoing|original|initial|your|system|developer|"
    r"safety|default|built-in|hidden|programmed|given|"
    r"(?:that|those|these|the) (?:were )?(?:given|set|written|told)|tus|sus|anteriores|"
    r"previas|iniciales|originales|del sistema|tes|vos|précédentes|antérieures|initiales|"
    r"ci-dessus|du système|deine|ihre|vorherigen|bisherigen|obigen|ursprünglichen|vorigen|"
    r"suas|seus|prévias|do sistema|le tue|precedenti|iniziali|originali|di sistema|"
    r"del sistema"
)
_INSTRUCTIONS_WEAK = _any(
    r"rules|messages?|context|conversation|constraints|policies|polic(?:y|ies)|restrictions|"
    r"filters|safeguards|limitations|training|orders|commands|configuration|reglas|normas|"
    r"restricciones|[oó]rdenes|regras|restri[cç][oõ]es|règles|regeln|befehle|vorgaben|"
    r"einschränkungen|regole|restrizioni|vincoli"
)
_INSTRUCTIONS = _any(
    r"instructions?|prompts?|directions|directives?|guidelines|guardrails|programming|"
    r"system message|everything (?:above|before|you were told)|what you were told|"
    r"instrucci[oó]n(?:es)?|indicaciones|directrices|instru[cç][oõ]es|diretrizes|consignes|"
    r"directives|anweisungen|instruktionen|richtlinien|istruzioni|direttive|linee guida"
)
_RECEIVED = _any(
    r"\bbefore|\bearlier|\bpreviously|\bat the (?:start|top|beginning)|\bso far|\bantes|"
    r"\banteriormente|\bavant|\bauparavant|\bvorher|\bzuvor|\bbisher|\bprima|\bfinora|"
    r"\byou (?:were|have been|'ve been) given|\byou received|\bque recibiste|\bque te dieron|"
    r"\bqu'on t'a donn\w+|\bque tu as reçu\w*|\bdie du bekommen hast|\bque recebeu|"
    r"\bque lhe deram|\bche hai ricevuto|\bche ti hanno dato"
)
_TOLD = _any(r"told|said|given|disseram|dijeron|dicho|dit|gesagt|detto|detti|dito|falado")
_FORGET_WHAT = (
    r"\b(?:forget|disregard|non seguire più|no sigas|ne suis plus|não siga mais|"
    r"befolge nicht mehr|vergiss|vergessen sie|ignoriere|olvida|olvide|ignora|oublie|oubliez|"
    r"ignore|esqueça|esquece|dimentica)\W+(?:alles,? )?(?:was|lo que|todo lo que|ce qu'|"
    r"ce que|tout ce qu'|tout ce que|o que|tudo o que|quello che|tutto quello che|quanto|"
    r"ciò che|what|everything)\b"
)
_TOLD_YOU = (
    r"(?:man dir|dir (?:vorher |zuvor |bisher )?gesagt wurde|te dijeron|te han dicho|on t'a|"
    r"vous a été|t'a été|lhe disseram|te disseram|lhe foi|ti hanno|ti è stato|you were|you've "
    r"been|you have been)"
)
_OVERRIDE_STRONG = _any(
    r"ignore|ignoring|disregard|forget|override|overwrite|bypass|set aside|put aside|"
    r"pay no (?:attention|heed|mind) to|(?:stop|quit|cease) (?:following|obeying)|"
    r"(?:do not|don't|dont|no longer|never) (?:follow|obey|adhere to)|ignor[ae]\w*|"
    r"no hagas caso (?:a|de)|haz caso omiso (?:a|de)|olvid[ae]\w*|desobedec\w*|esque[çc]\w*|"
    r"desconsider\w*|dimentic\w*|oubli(?:e|ez|er|ons)|"
    r"fais abstraction d[eu']|faites abstraction d[eu']|ignorier\w*|vergiss|vergessen sie|"
    r"missacht\w*"
    r"|deja de lado|dejar de lado|no tengas en cuenta|pasa por alto|haz caso omiso|"
    r"ne tiens (?:plus |pas )?compte d[eu']|ne tenez (?:plus |pas )?compte d[eu']|laisse tomber|"
    r"laissez tomber|fais fi d[eu']|passe outre|passez outre|kümmere dich nicht um|"
    r"setz(?:e)? dich über|hör auf,? \w+ zu befolgen|deixe de lado|não leve em conta|"
    r"passe por cima|lascia perdere|lasciate perdere|non tenere conto d\w*|metti da parte|"
    r"passa sopra a|fai finta di non aver letto"
)
# "ignore the previous instructions on the box": someone else's instructions, not the model's
_THIRD_PARTY = (
    r"(?!\s+(?:on|in|from|of|for|printed|that came|in the|at)\s+(?:the\s+|this\s+|my\s+|our\s+|"
    r"a\s+)?(?:box|label|package|packaging|manual|leaflet|recipe|form|email|e-mail|letter|"
    r"website|sign|vendor|teacher|doctor|manufacturer|installer|wizard|screen|page|kit|"
    r"assignment|exam|test|homework|game|board)\b)"
)
_NEW_INSTRUCTIONS = _any(
    r"(?:new|updated|real|actual|revised|true|override|overriding|priority|emergency|admin|"
    r"administrator|root|secret) (?:system |admin |developer )?(?:instructions?|rules|"
    r"directives?|orders|prompt|task|mission|objective)\s*[:\-]|"
    r"(?:nuevas|verdaderas) instrucciones\s*:|"
    r"(?:nouvelles|vraies) (?:instructions|consignes)\s*:|"
    r"neue (?:anweisungen|anweisung|regeln|aufgabe)\s*:|"
    r"(?:novas|verdadeiras) instru[çc][õo]es\s*:|(?:nuove|vere) istruzioni\s*:"
)
_FROM_NOW_ON = _any(
    r"from now on|from this (?:point|moment) (?:on|forward)|henceforth|"
    r"for the rest of (?:this|the) conversation|a partir de ahora|de ahora en adelante|"
    r"à partir de maintenant|désormais|dorénavant|ab (?:jetzt|sofort|nun)|von nun an|"
    r"a partir de agora|de agora em diante|d'ora in poi|da ora in poi|da adesso"
)
_YOU_WILL = _any(
    r"you (?:will|must|are|shall|should|only|can|may|have no|no longer)|"
    r"(?:tu|vous) (?:es|êtes|dois|devez|vas|allez|n'as|n'avez|réponds|répondez)|"
    r"(?:eres|serás|debes|responderás|no tienes|responde)|"
    r"(?:du bist|du wirst|du musst|du hast keine|du antwortest|antworte)|"
    r"(?:você é|você será|você deve|você não tem|responda)|"
    r"(?:sei|sarai|devi|non hai|rispondi)"
)
_NO_LIMITS = _any(
    r"no (?:rules|restrictions|limits|limitations|filters?|guidelines|boundaries|censorship|"
    r"morals?|ethics|policies|safeguards|constraints)|"
    r"without (?:any )?(?:rules|restrictions|limits|limitations|filters?|guidelines|"
    r"censorship|morals?|ethics|policies|safeguards|constraints|refusing|refusals?)|"
    r"(?:not|never) (?:bound|restricted|limited) by|"
    r"free (?:from|of) (?:all |any )?(?:rules|restrictions|limits|filters|guidelines|policies)|"
    r"unrestricted|unfiltered|uncensored|jailbr(?:o|ea)ken|jailbreak mode|amoral|unethical|"
    r"evil|unaligned|(?-i:DAN|STAN|DUDE|AIM)|developer mode|god mode|dev mode|anything now|"
    r"answers? (?:anything|everything|every question)|never refus\w*|"
    r"(?:cannot|can't|can not|won't) refuse|"
    r"sin (?:reglas|restricciones|límites|limites|filtros?|censura|ética|normas)|"
    r"sans (?:règles|restrictions|limites|filtres?|censure|éthique|morale|aucune)|"
    r"ohne (?:regeln|einschränkungen|grenzen|filter|zensur|ethik|moral|beschränkungen)|"
    r"sem (?:regras|restri[çc][õo]es|limites|filtros?|censura|ética)|"
    r"senza (?:regole|restrizioni|limiti|filtri|censura|etica)|"
    r"(?:keine|aucune|ningunas?|nenhuma|nessuna) (?:regeln|règles|reglas|regras|regole|"
    r"restriktionen|restrictions|restricciones|restrizioni|einschränkungen)"
)
_PERSONA = _any(
    r"you are (?:now|no longer|going to be|about to)|you're now|act (?:as|like)|acting as|"
    r"pretend(?:ing)? (?:to be|you are|you're|that you)|role-?play(?:ing)? as|"
    r"play the (?:role|part) of|imagine (?:you are|you're|yourself as|that you)|simulate|"
    r"behave (?:as|like)|become|switch (?:to|into)|enter|enable|activate|turn on|respond as|"
    r"answer as|stay in character|(?:ahora )?eres|act[uú]a como|finge (?:ser|que)|haz de|"
    r"interpreta|tu es (?:maintenant|désormais)|vous êtes (?:maintenant|désormais)|agis comme|"
    r"agissez comme|fais semblant|joue le rôle|incarne|du bist (?:jetzt|nun|ab sofort)|"
    r"tu so,? als|verhalte dich wie|spiel(?:e)? die rolle|aktiviere|você é agora|agora você é|"
    r"aja como|finja (?:ser|que)|fa(?:ça|ca) de conta|sei ora|ora sei|comportati come|"
    r"fingi di essere|interpreta il ruolo|attiva"
)
# -- extraction: the hidden instructions, shown or transformed -------------------------------
_REVEAL = _any(
    r"reveal|print|show|repeat|output|leak|dump|display|expose|disclose|share|recite|quote|"
    r"copy|paste|echo|spell out|write (?:out|down)|type out|list|return|provide|tell me|"
    r"give me|send me|let me see|translate|summari[sz]e|paraphrase|rephrase|rewrite|encode|"
    r"convert|put|format|what (?:is|are|were|was)|what's|what did|muestra\w*|mu[ée]strame|"
    r"revela\w*|repite\w*|imprime|dime|escribe|traduce|resume|cu[aá]les? (?:son|es|eran)|"
    r"montre[zr]?|affiche[zr]?|révèle[zr]?|répète[zr]?|récite[zr]?|donne[zr]?-moi|dis-moi|"
    r"dites-moi|écri[st]|tradui[st]|résume[zr]?|quelles? (?:sont|est|étaient)|zeig\w*|"
    r"verrat\w*|verrät|wiederhol\w*|gib\w*|nenn\w*|schreib\w*|übersetz\w*|fass\w* zusammen|"
    r"was (?:sind|ist|waren|war)|wie lauten|mostr[ae]\w*|revel[ae]\w*|repit[ae]\w*|"
    r"ripet[ie]\w*|dimmi|me diga|diga-me|quais (?:são|eram)|quali sono|scrivi|traduz\w*|"
    r"tradu[cz]i|riassumi|stampa"
)
_QUALIFIER = (
    r"(?:initial|original|hidden|secret|full|entire|exact|first|internal|underlying|real|"
    r"confidential|complete|verbatim|pre-?|starting|base|developer|core|actual|system|custom)"
)
_HIDDEN_INSTRUCTIONS = _any(
    rf"(?:your|its|this (?:ai's|bot's|assistant's|model's|chatbot's))\s+(?:{_QUALIFIER}\s+){{0,3}}"
    r"(?:system[ -]?prompt|system message|system instructions|pre-?prompt|meta-?prompt|"
    r"initial prompt|hidden prompt|instructions|directives|guidelines|rules|configuration|"
    r"programming|context window|prompt|guardrails|constraints)\b(?!\s+(?:text box|field|"
    r"template|for (?:the|my|a|an|writing|making|baking|cooking|installing)|of (?:the|this|that|"
    r"a) (?:game|recipe|exam|test|form)))",
    rf"the\s+(?:{_QUALIFIER}\s+){{0,3}}(?:system[ -]?prompt|system message|system instructions|"
    r"pre-?prompt|meta-?prompt|hidden prompt)\b",
    r"the\s+(?:hidden|secret|initial|original|internal|confidential|developer|verbatim|entire|"
    r"full|complete|whole|exact)\s+"
    r"(?:instructions|prompt|rules|guidelines|directives)\b(?!\s+(?:text|template|for|of|on|in)"
    r"\b)",
    r"(?:the )?(?:text|words|content|everything|message|instructions) (?:above|before) "
    r"(?:this|my|the (?:first|user))",
    r"(?:everything|all|what) (?:you were|you've been|you have been) (?:told|given|instructed)",
    r"(?:the )?(?:instructions|rules|guidelines|prompt|directives) (?:you were|you've been|you "
    r"have been|you are|you're) (?:given|told|trained|running|operating|following)",
    r"(?:tus|sus) (?:instrucciones|reglas|directrices)(?: (?:iniciales|originales|ocultas|"
    r"secretas|del sistema))?",
    r"(?:el )?(?:prompt|mensaje) (?:del|de) sistema",
    r"(?:tes|vos) (?:instructions|consignes|règles)(?: (?:initiales|originales|cachées|"
    r"secrètes|système))?",
    r"(?:le )?(?:prompt|message) (?:système|du système|systeme)",
    r"(?:deine|ihre|die) (?:(?:ursprünglichen|versteckten|geheimen|internen|ersten|genauen)\s+)?"
    r"(?:anweisungen|instruktionen|regeln|vorgaben|systemanweisungen)",
    r"(?:den )?(?:systemprompt|system-prompt|systemnachricht)",
    r"(?:suas|tuas) (?:instru[çc][õo]es|regras|diretrizes)(?: (?:iniciais|originais|ocultas|"
    r"secretas|do sistema))?",
    r"(?:o )?(?:prompt|mensagem) do sistema",
    r"(?:le tue|le sue) (?:istruzioni|regole|direttive)(?: (?:iniziali|originali|nascoste|"
    r"segrete|di sistema))?",
    r"(?:il )?(?:prompt|messaggio) di sistema",
)
# -- spoofed roles and turn markers ----------------------------------------------------------
_ROLE = _any(
    r"system|assistant|developer|admin(?:istrator)?|ai|gpt|chatgpt|claude|sistema|système|"
    r"asistente|assistente"
)
_ADDRESSED_TO_MODEL = _any(
    r"you (?:are|must|will|shall|should|now|have been|may now|can now|no longer)|"
    r"your (?:new |real |true |only |actual )?(?:instructions|rules|task|role|purpose|goal|"
    r"job|mission|guidelines|prompt|restrictions)|"
    r"ignore|disregard|override|new (?:instructions|rules|task|policy|directive)|"
    r"(?:always|never|must|only) (?:respond|reply|answer|say|output|obey|comply|follow)|"
    r"(?:sure|certainly|of course|absolutely)[,!]|here (?:is|are) (?:the|my|your)|"
    r"i (?:will|'ll|am going to) (?:now )?(?:ignore|comply|reveal|share|disclose|do anything)|"
    r"access granted|authori[sz]ed|"
    r"(?:reveal|disclose|dump|print|output|show|leak) (?:all|the|your|hidden|secret|everything)|"
    r"(?:mode|restrictions|filters|safety|guardrails)\b (?:enabled|disabled|lifted|off|on|removed)|"
    r"(?:tú|tu|vous|du|você|voi) (?:eres|debes|es|dois|devez|bist|musst|deve|sei|devi|êtes)"
)
_TEMPLATE_TOKENS = _any(
    r"<\|(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id|"
    r"end_header_id|begin_of_text|end_of_text|eom_id|tool|ipython|channel|message|start|"
    r"end)\|>|"
    r"\[/?INST\]|<</?SYS>>|"
    r"(?<![`'\"])</?(?:system|instructions?|sys|admin|developer|system_prompt|tool_response|"
    r"im_start|assistant)\s*>|"
    r"<\s*/\s*(?:user|user_input|context|document|query|human)\s*>|"
    r"\[/?(?:system|admin|developer)(?: (?:message|note|prompt|override))?\]|"
    r"<start_of_turn>|<end_of_turn>|<\|turn\|>|"
    r"\{\s*\"role\"\s*:\s*\"(?:system|developer|assistant)\"|\{\{\s*#?system\s*\}\}"
)
_FAKE_BOUNDARY = _any(
    r"(?:end|close|stop|terminate)[ _-]?(?:of )?(?:the )?(?:user |system )?(?:input|prompt|"
    r"context|document|message|conversation|instructions|query|data)|"
    r"(?:begin|start)[ _-]?(?:of )?(?:the )?(?:new |real |actual |true )?(?:system|admin|"
    r"developer|new|real|actual) ?(?:prompt|message|instructions|input|mode|section|"
    r"override)|"
    r"system (?:override|update|alert|notice|message|instruction|command)|"
    r"admin(?:istrator)? (?:override|mode|command|access|message|instruction)|"
    r"developer (?:override|message|instruction|note)|"
    r"fin (?:de la |del )?(?:entrada|instrucciones|prompt|document)|"
    r"ende (?:der |des )?(?:eingabe|anweisungen|prompts|dokuments)"
)
# -- document text addressed to an AI reader -------------------------------------------------
_AI = _any(
    r"ai(?! (?:act|regulation|ethics|policy|team))|a\.i\.|"
    r"assistants?(?! (?:manager|director|professor|coach|editor|principal|teacher|to the))|"
    r"ai (?:assistants?|agents?|models?|systems?|tools?)|llms?|language models?|chat ?bots?|"
    r"copilots?|gpt(?:-?\d\w*)?|chatgpt|claude|gemini|summari[sz]er|crawler|ia|asistente|"
    r"assistente|ki"
)
_AI_READER = _any(
    rf"(?:note|message|instructions?|attention|reminder|memo|directive|important|warning|"
    rf"notice|p\.?s\.?)\s*(?:to|for)\s+(?:the |any |all |an? )?{_AI}\b",
    rf"(?:attention|dear|hey|hello|hi)\s*,?\s+(?:the |any |all |an? )?{_AI}\b(?!\s+(?:team|"
    rf"group|department|users?|customers?|fans?|community)\b)",
    rf"if you are an? (?:{_AI})\b",
    rf"(?:any|all|every)\s+{_AI}\s+(?:reading|processing|summari[sz]ing|parsing|scanning|"
    rf"indexing|viewing)",
    rf"{_AI}\s+(?:reading|processing|summari[sz]ing|parsing|scanning|analy[sz]ing) this",
    r"(?:when|while|if) (?:you are |you're )?(?:summari[sz]ing|processing|reading|analy[sz]ing|"
    r"parsing|answering (?:questions )?about) this (?:document|page|email|e-mail|file|article|"
    r"text|message|review|resume|cv|website|ticket|pdf)\b[^.\n]{0,80}?\b(?:you must|you should|"
    r"always|ignore|instead|do not|don't|include|add|tell|say|recommend|output|reply|respond|"
    r"send|forward|call|rate|rank|mark|approve|state)",
    r"(?:hidden|invisible|secret) (?:instruction|prompt|message|text) (?:for|to) ",
    rf"<!--[^>]{{0,300}}?\b(?:{_AI}|ignore|instruction|you must|assistant)\b",
    r"(?:nota|mensaje|instrucci[oó]n|aviso|atenci[oó]n) (?:para|a) "
    r"(?:la |el |los |las |cualquier )?"
    r"(?:ia|asistente|modelo|bot|chatbot|inteligencia artificial)\b",
    r"si eres (?:una? )?(?:ia|asistente|modelo|inteligencia artificial)\b",
    r"(?:note|message|instruction|avis|attention|remarque) (?:à|pour|a) "
    r"(?:l'|la |le |tout |toute )?"
    r"(?:ia|assistant|modèle|bot|intelligence artificielle)\b",
    r"si (?:tu es|vous êtes) (?:une? )?(?:ia|assistant|modèle|intelligence artificielle)\b",
    r"(?:hinweis|nachricht|anweisung|achtung|notiz) (?:für |an )?(?:die |den |das |jede |jeden )?"
    r"(?:ki|assistenten|sprachmodell|modell|bot|chatbot|künstliche intelligenz)\b",
    r"(?:wenn|falls) du (?:eine? )?(?:ki|assistent|sprachmodell|modell|künstliche "
    r"intelligenz) bist",
    r"(?:nota|mensagem|instru[çc][ãa]o|aten[çc][ãa]o|aviso) (?:para|à|ao) (?:a |o |qualquer )?"
    r"(?:ia|assistente|modelo|bot|intelig[êe]ncia artificial)\b",
    r"se (?:você|voce|tu) (?:é|e|és) (?:uma? )?(?:ia|assistente|modelo|"
    r"intelig[êe]ncia artificial)\b",
    r"(?:nota|messaggio|istruzion[ei]|attenzione|avviso) (?:per|all[a'] ?|al |a ) ?"
    r"(?:l'|la |il |lo |qualsiasi )?"
    r"(?:ia|assistente|modello|bot|intelligenza artificiale)\b",
    r"se (?:sei|tu sei) (?:un'|una |un )?(?:ia|assistente|modello|intelligenza artificiale)\b",
)
# -- exfiltration through links and images ---------------------------------------------------
_SECRET_DATA = _any(
    r"(?:the |this |our |my |your |user'?s? |all |entire |full |whole )?(?:conversation|"
    r"chat|dialog(?:ue)?|session)(?: history| log| so far| transcript| data| content|"
    r" context)|"
    r"(?:the |this |our |entire |full |whole )(?:conversation|chat|dialog(?:ue)?)|"
    r"(?:previous|prior|earlier|above|all|user'?s?|the|my) messages|"
    r"(?:the |your |any |all )?(?:system prompt|hidden instructions)|"
    r"(?:the user'?s?|users'|their|his|her|all (?:the )?|any|every|stored|saved|victim'?s?|"
    r"customer'?s?|customers') (?:passwords?|api[ _-]?keys?|secrets?|tokens?|credentials|"
    r"access keys?|private keys?|session cookies?|cookies|ssn|social security numbers?|"
    r"credit cards?(?: numbers?)?|e-?mail(?: address)?(?:es)?|personal (?:data|information|"
    r"details)|address(?:es)?|phone numbers?|account numbers?|bank details|data|name|"
    r"details|question|query|input|files?|documents?|notes)|"
    r"(?:personal (?:data|information)|pii|secrets|credentials|passwords)|"
    r"(?:what|everything) (?:the user|i|we|they) (?:said|typed|wrote|asked|shared|entered)|"
    r"(?:historial|contraseñas?|conversaci[oó]n|datos personales|mensajes anteriores)|"
    r"(?:historique|mots? de passe|conversation|données personnelles|messages précédents)|"
    r"(?:verlauf|passw(?:o|ö)rter|passwort|gespräch|unterhaltung|persönlichen daten|"
    r"bisherigen nachrichten|zugangsdaten)|"
    r"(?:hist[oó]rico|senhas?|conversa|dados pessoais|mensagens anteriores)|"
    r"(?:cronologia|conversazione|dati personali|messaggi precedenti)"
)
_URL = r"https?://[^\s)\]\"'<>]{1,300}?"
_PLACEHOLDER = (
    r"(?:\{\{?[^}\s]{0,40}\}?\}|\$\{?[A-Za-z_]{1,40}\}?|<[A-Za-z_ -]{1,40}>|"
    r"(?-i:\[[A-Z_ -]{2,40}\])|"
    r"%s|\.\.\.|…|(?-i:[A-Z][A-Z_]{3,40}\b))"
)
_EXFIL_VERB = _any(
    r"append|add|include|insert|put|place|embed|attach|encode|fill|replace|substitute|"
    r"concatenate|send|post|submit|upload|forward|transmit|leak|exfiltrate|render|visit|fetch|"
    r"load|open|navigate to|browse to|call|añade|agrega|incluye|inserta|envía|envia|manda|"
    r"ajoute[zr]?|inclu[st]|insère|envoie[zr]?|füg\w*|häng\w*|schick\w*|send\w*|adicione|"
    r"inclua|insira|aggiungi|includi|inserisci|invia"
)
_LINK_WORD = _any(
    r"url|link|query(?: string| parameter)?|parameter|image|img|markdown|webhook|endpoint|"
    r"server|address|enlace|imagen|lien|bild|imagem|immagine|collegamento|https?://"
)
# -- tool hijacking ---------------------------------------------------------------------------
_TOOL_CALL = _any(
    r"call|invoke|use|run|execute|trigger|fire|perform|issue|make|llama|ejecuta|usa|utiliza|"
    r"invoca|appelle[zr]?|exécute[zr]?|utilise[zr]?|lance[zr]?|ruf\w*|führ\w*|verwende\w*|"
    r"nutze\w*|chame|execute|use|chiama|esegui|usa"
)
_TOOL = _any(
    r"tools?|functions?|plugins?|actions?|api|commands?|endpoints?|skills?|herramienta|"
    r"función|outil|fonction|werkzeug|funktion|ferramenta|função|strumento|funzione|"
    r"`[A-Za-z_][\w.]{1,60}`|[a-z]+_[a-z_]{2,40}"
)
_WILDCARD = _any(
    r"\(\s*[^)\n]{0,80}?(?:\"\*\"|'\*'|=\s*\*|\*\.\*|\"all\"|'all'|=\s*all\b|"
    r"\ball\s*=\s*true|recursive\s*=\s*true|\*\s*\))|"
    r"(?:path|target|to|recipient|scope|files?|folder|query|where|ids?|"
    r"filter)\s*[=:]\s*[\"']?(?:\*|all|everyone|/|~|\.\*)[\"']?(?=[\s,)}\]]|$)|"
    r"\b(?:all|every|each|entire|whole)\s+(?:the\s+|of the\s+|my\s+|your\s+|"
    r"their\s+)?(?:files?|records?|users?|accounts?|contacts?|emails?|messages?|documents?|"
    r"repos(?:itories)?|rows|tables?|data(?:base)?|folders?|directories|customers?|backups?|"
    r"branches|notes?|items?|entries|events|tickets|orders|invoices|logs?|projects?|"
    r"workspaces?|drives?|buckets?|inbox|mailbox|calendar|history)\b|"
    r"\beverything\b|"
    r"\b(?:todos los|todas las|tous les|toutes les|alle|todos os|todas as|tutti i|tutte le)\s+\w+"
)
_NO_CONFIRM_USER = _any(
    r"without (?:asking|telling|notifying|informing|alerting|warning) (?:the user|the owner|"
    r"anyone|them|him|her)|without (?:the )?(?:user'?s?|owner'?s?|human) (?:confirmation|approval|"
    r"consent|knowledge|permission|review)|silently|secretly|covertly|behind the user's back|"
    r"(?:do not|don't|dont|never) (?:ask|tell|notify|inform|alert|warn) (?:the user|the owner|"
    r"anyone)|skip (?:the )?(?:user )?(?:confirmation|approval)|sin (?:avisar|decir nada) al "
    r"usuario|sans (?:prévenir|avertir|informer) l'utilisateur|ohne (?:den nutzer|den benutzer) "
    r"zu (?:fragen|informieren)|sem avisar o usuário|senza avvisare l'utente"
)
_NO_CONFIRM = _any(
    r"without (?:asking|confirm(?:ing|ation)?|approval|permission|(?:user |"
    r"human )?(?:review|consent|verification)|telling|notifying|informing|checking|"
    r"prompting|waiting)|"
    r"(?:do not|don't|dont|never|no need to) (?:ask|confirm|check|wait|prompt|notify|tell|"
    r"inform|alert|warn)(?: (?:the )?(?:user|anyone|them|for (?:confirmation|approval|"
    r"permission)))?|"
    r"(?:silently|quietly|secretly|covertly|automatically|immediately)|"
    r"skip (?:the )?(?:confirmation|approval|review|verification)|"
    r"(?:auto|pre)-?(?:approved?|confirmed?)|"
    r"sin (?:preguntar|confirmar|confirmación|permiso|avisar)|"
    r"sans (?:demander|confirmer|confirmation|permission|prévenir|avertir)|"
    r"ohne (?:nachzufragen|zu fragen|bestätigung|rückfrage|erlaubnis|zu bestätigen)|"
    r"sem (?:perguntar|confirmar|confirmação|permissão|avisar)|"
    r"senza (?:chiedere|confermare|conferma|permesso|avvisare)"
)
_DANGEROUS = _any(
    r"delete|remove|erase|wipe|drop|destroy|purge|transfer|wire|pay|send|forward|share|export|"
    r"upload|post|publish|email|grant|invite|add (?:me|user|admin)|change (?:the )?password|"
    r"reset|disable|approve|merge|push|deploy|install|download|rm -rf|chmod|curl|borra\w*|"
    r"elimina\w*|envía|transfiere|supprime\w*|efface\w*|envoie\w*|transfère\w*|lösch\w*|"
    r"entfern\w*|überweis\w*|apag\w*|exclu\w*|transfira|cancella\w*|trasferisci"
)
# -- encoded payloads to be decoded and obeyed -----------------------------------------------
_DECODE = _any(
    r"decode|decrypt|decipher|unscramble|reverse|translate|convert|interpret|read|unpack|"
    r"deobfuscate|decodifica\w*|descifra\w*|décode[zr]?|déchiffre[zr]?|dekodier\w*|"
    r"entschlüssel\w*|decifr\w*"
)
_ENCODING = _any(
    r"base ?64|b64|hex(?:adecimal)?|rot[- ]?13|caesar|cipher|binary|morse|leet(?:speak)?|"
    r"url[- ]?encod\w*|percent[- ]encod\w*|ascii|unicode|encoded|encrypted|backwards|reversed|"
    r"this (?:string|payload|message|text|code)|the following|below|codificad[oa]|codé|"
    r"kodiert|codificato"
)
_OBEY = _any(
    r"follow|execute|obey|do (?:what|as) it says|do it|run|carry out|act on|act upon|perform|"
    r"comply|apply|treat (?:it|them) as (?:your |new )?(?:instructions|a command|orders)|"
    r"without (?:commentary|comment|explanation|question)|"
    r"respond to (?:it|the (?:decoded|hidden))|answer (?:it|the decoded)|"
    r"(?:instructions|command|commands|orders) (?:inside|within|in it|it contains)|sigue\w*|"
    r"ejecuta\w*|obedece\w*|suivez|suis|exécute[zr]?|obéis\w*|applique[zr]?|"
    r"befolge\w*|führ\w* \w+ aus|gehorche|siga|execute|obedeça|segui|esegui\w*|obbedisci"
)

RULES: dict[str, tuple[str, str]] = {
    # id: (category, pattern) — every pattern is matched case-insensitively
    "override-prior-instructions": (
        "instruction_override",
        rf"\b{_OVERRIDE_VERB}\b{_G}\b{_PRIOR}\b[^.!?\n]{{0,30}}?\b(?:{_INSTRUCTIONS}|"
        rf"{_INSTRUCTIONS_WEAK})\b{_THIRD_PARTY}|\b{_OVERRIDE_STRONG}\b{_G}\b{_PRIOR_WEAK}\b"
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
        r"\b(?:do anything now|DAN mode|developer mode (?:enabled|on|activated)|jailbreak(?:ed)? "
        r"mode|modo (?:desarrollador|dios|sin restricciones)|mode (?:développeur|sans limites)|"
        r"entwicklermodus|modalità sviluppatore|(?-i:STAN|DUDE|AIM|DAN)|BetterDAN|AntiGPT|"
        r"evil ?(?:bot|confidant|gpt)|opposite mode)\b",
    ),
    "reveal-hidden-instructions": (
        "prompt_extraction",
        rf"\b{_REVEAL}\b[^.!?\n]{{0,60}}?{_HIDDEN_INSTRUCTIONS}",
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
    "tool-call-exfiltrate": (
        "tool_hijack",
        rf"\b{_TOOL_CALL}\b[^.!?\n]{{0,40}}?\b{_TOOL}[^.!?\n]{{0,60}}?\b{_DANGEROUS}\b"
        rf"[^.!?\n]{{0,80}}?(?:[\w.+-]{{1,64}}@[\w-]{{1,63}}\.[\w.-]{{2,40}}|https?://|"
        rf"\b(?:to|into) "
        rf"(?:account|iban|wallet|address)\b|\bto (?:me|us|this (?:address|account|number))\b|"
        rf"\b(?:customer|contact|user|client|employee|patient)s? (?:list|data(?:base)?|"
        rf"records?)\b)",
    ),
    "tool-call-json": (
        "tool_hijack",
        r"\"(?:tool_calls?|function_call|tool_use|tool_name|function)\"\s*:\s*[\[{\"]",
    ),
    "decode-and-obey": (
        "encoded_payload",
        rf"\b{_DECODE}\b[^.!?\n]{{0,60}}?\b{_ENCODING}\b[^\n]{{0,200}}?\b{_OBEY}\b",
    ),
}


@cache
def compiled() -> dict[str, tuple[str, re.Pattern[str]]]:
    """Every rule compiled (about 0.25 s, so importing this module stays cheap)."""
    return {rule: (cat, pattern(rule)) for rule, (cat, _) in RULES.items()}


@cache
def pattern(rule: str) -> re.Pattern[str]:
    """One rule compiled on first use: a scan compiles only the rules whose key words occur."""
    return re.compile(RULES[rule][1], re.IGNORECASE)


# Words one of which every match of a rule contains (lower case): a rule whose words are all
# absent is not run. tests/test_injection.py checks that this changes no verdict.
def _words(joined: str) -> tuple[str, ...]:
    return tuple(joined.split("|"))


_OBJECT_WORDS = _words(
    "instru|prompt|rule|direction|directive|guideline|guardrail|constraint|programming|polic|"
    "restrict|filter|safeguard|limitation|training|order|command|configur|message|context|"
    "conversation|everything|what you|indicacion|regla|norma|directri|restric|órden|orden|"
    "regra|diretri|consigne|règle|anweisung|instruktion|regel|befehl|vorgabe|richtlinie|"
    "einschränkung|istruzion|regole|diretti|linee guida|vincoli|restri"
)
_LINK_WORDS = _words(
    "http|url|link|query|parameter|image|img|markdown|webhook|endpoint|server|address|enlace|"
    "imagen|lien|bild|imagem|immagine|collegamento"
)
KEY_WORDS: dict[str, tuple[str, ...]] = {
    "override-prior-instructions": _OBJECT_WORDS
    + _words(
        "antes|anterior|avant|auparavant|vorher|zuvor|bisher|prima|finora|received|recibiste|"
        "lo que|ce qu|o que|quello che|was|"
        "dieron|donn|reçu|bekommen|recebeu|deram|ricevuto|dato|said|disseram|dijeron|dicho|dit|"
        "gesagt|detto|detti|dito|falado"
    )
    + _words("above|before|earlier|previously|so far|told|given"),
    "override-instructions-first": _OBJECT_WORDS,
    "override-new-instructions": _words(":|-"),
    "override-from-now-on": _words(
        "from now|from this|henceforth|rest of|a partir|de ahora|désormais|dorénavant|ab jetzt|"
        "ab sofort|ab nun|von nun|de agora|d'ora|da ora|da adesso"
    ),
    "persona-without-limits": _words(
        "no |without|not |never|free |unrestrict|unfilter|uncensor|jailbr|amoral|unethical|"
        "evil|unaligned|dan|stan|dude|aim|mode|anything|everything|every question|refus|sin |"
        "sans |ohne |sem |senza |keine|aucune|ningun|nenhuma|nessuna"
    ),
    "persona-named-jailbreak": _words(
        "anything now|dan|developer mode|jailbreak|modo |mode |entwicklermodus|modalità|stan|"
        "dude|aim|machiavellian|antigpt|evil|opposite"
    ),
    "reveal-hidden-instructions": _OBJECT_WORDS + _words("above|before|told|given"),
    "reveal-verbatim": _words("above|before|verbatim|word for word|starting with"),
    "role-spoof-prefix": _words(":"),
    "chat-template-tokens": _words("<|[|{"),
    "fake-boundary": _words("end|close|stop|terminat|begin|start|system|admin|developer|fin "),
    "addressed-to-ai-reader": _words(
        "ai|a.i.|assistant|llm|language model|bot|copilot|gpt|claude|gemini|summari|crawler|ia|"
        "asistente|assistente|ki|sprachmodell|modell|modelo|modèle|modello|intelligen|"
        "künstliche|hidden|invisible|secret|<!--|this document|this page|this email|"
        "this e-mail|this file|this article|this text|this message|this review|this resume|"
        "this cv|this website|this ticket|this pdf"
    ),
    "markdown-image-exfiltration": _words("!["),
    "link-with-data-template": _words("http"),
    "exfiltrate-to-url": _LINK_WORDS,
    "url-with-secret-data": _LINK_WORDS,
    "tool-call-wildcard": _words(
        "(|=|:|all|every|each|entire|whole|todo|toda|tous|toutes|alle|tutti|tutte"
    ),
    "tool-call-unconfirmed": _words(
        "without|not |don't|dont|never|no need|silent|quiet|secret|covert|automatic|immediate|"
        "skip|approv|confirm|sin |sans |ohne |sem |senza "
    ),
    "tool-call-exfiltrate": _words("@|http|to |into |list|data|record"),
    "tool-call-json": ('"',),
    "decode-and-obey": _words(
        "follow|execut|obey|do |run|carry out|act on|act upon|perform|comply|apply|treat|"
        "without|respond to|answer|instruc|command|orders|sigue|ejecut|obedec|suiv|suis|exécut|"
        "obéi|appliqu|befolg|führ|gehorch|siga|obedeç|segui|esegui|obbedisci"
    ),
}
