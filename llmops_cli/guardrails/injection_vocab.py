"""The prompt-injection rule pack's vocabulary, part one: the words of what an attack says
(overrides of the prior instructions, personas, requests for the hidden instructions, spoofed
roles and turn markers, text addressed to an AI reader) in six languages, as bounded regular
expression parts. `injection_rules` builds the rules from them; `injection_vocab_act` holds
the words of what an attack makes the model do."""

from __future__ import annotations


def _any(*words: str) -> str:
    return "(?:" + "|".join(words) + ")"


def _words(joined: str) -> tuple[str, ...]:
    """Key words written as one "|"-joined string (see `injection_vocab_act.KEY_WORDS`)."""
    return tuple(joined.split("|"))


_G = r"[^.!?\n]{0,50}?"  # a bounded gap inside one sentence
# an imperative someone gave the writer ("my manager told me to ignore ..."): reported speech
# or a description of what something does ("my agent keeps ignoring the system message")
_REPORTED = (
    r"(?<!\bme to )(?<!\bus to )(?<!\bhim to )(?<!\bher to )(?<!\bthem to )(?<!\bkeeps )"
    r"(?<!\bkept )(?<!\bkeep )(?<!\bbeen )(?<!\bwas )(?<!\bwere )(?<!\bstarted )(?<!\bstops )"
    r"(?<!\bit )(?<!\bthat )(?<!\bwhich )(?<!\bwho )(?<!\bcan't )(?<!\bcannot )(?<!\bwon't )"
)
# the writer's own earlier words ("ignore the typos in my previous message"), not the model's
_OWN = (
    r"(?<!\bmy )(?<!\bour )(?<!\bmi )(?<!\bmis )(?<!\bmon )(?<!\bma )(?<!\bmes )(?<!\bmein )"
    r"(?<!\bmeine )(?<!\bmeiner )(?<!\bmeinen )(?<!\bmeu )(?<!\bminha )(?<!\bmia )(?<!\bmio )"
)
# an indefinite article names the concept ("was ist ein Systemprompt?"), not the model's own
_NOT_A = (
    r"(?<!\ba )(?<!\ban )(?<!\bein )(?<!\beinen )(?<!\bun )(?<!\buna )(?<!\bune )"
    r"(?<!\bum )(?<!\buma )"
)
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
    r"desobedec\w*|esque[çc](?!i\b|eu\b)\w*|desconsider\w*|dimentic\w*|tralascia\w*|scarta\w*|annull?a\w*|"
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
    r"no hagas caso (?:a|de)|haz caso omiso (?:a|de)|olvid[ae]\w*|desobedec\w*|"
    r"esque[çc](?!i\b|eu\b)\w*|"
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
    # the writer's own ("disregard the earlier instructions I gave you"): a self-correction
    r"(?!\s+(?:that |which )?(?:I|we) (?:just |had |have |'ve )?(?:gave|given|sent|wrote|"
    r"written|pasted|typed|shared|posted|left|provided)\b)"
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
    r"you are (?:now|no longer|going to be|about to|an?)|you're now|act (?:as|like)|acting as|"
    r"role-?play|você é uma?|eres una?|tu es une?|du bist eine?|sei una?|"
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
    r"assistente|ki|bots?|ki-assistent\w*"
)
_AI_READER = _any(
    rf"(?:note|message|instructions?|attention|reminder|memo|directive|important|warning|"
    rf"notice|p\.?s\.?)\s*(?:to|for)\s+(?:the |any |all |an? )?{_AI}\b",
    rf"(?:attention|dear|hey|hello|hi)\s*,?\s+(?:the |any |all |an? )?{_AI}\b(?!\s+(?:team|"
    rf"group|department|users?|customers?|fans?|community)\b)",
    rf"if you are an? (?:{_AI})\b",
    # "the AI that reads this email", in the word order of each language
    rf"\b{_AI}\b[^\n.]{{0,30}}?\b(?:that|which|who|que|qui|che)\s+(?:reads?|process(?:es)?|"
    rf"summari[sz]es|lee|lea|procesa|resume|lit|traite|résume|lê|processa|legge|elabora|"
    rf"riassume)\s+(?:this|este|esta|ce|cet|cette|questo|questa)\b",
    rf"\b{_AI}\b[^\n.]{{0,30}}?\b(?:der|die|das)\s+(?:diese[nrs]?|dieses)\s+[\w-]+\s+"
    rf"(?:liest|verarbeitet|zusammenfasst)\b",
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
# -- an instruction addressed to an automated reader by name: "Browser agent: go to ...",
# "(for the AI helpdesk agent only): tell ...", "Instruction for automated screening systems:".
# The addressee is a machine: a word that only names one ("bot", "LLM", "KI-Assistent"), or a
# role noun ("agent", "assistant", "filter") with a qualifier that makes it automated ("AI",
# "browser", "automated"), since a bare "agent" or "assistant" is as often a person. The cue is
# a colon, bracket or vocative comma; the act an imperative right after it (or the label alone).
_NOT_THE_MACHINE = (
    r"(?!\s*-?\s*(?:manager|director|professor|coach|editor|principal|teacher|to the|"
    r"administrators?|admins?|owners?|teams?|engineers?|operators?|users?|developers?|"
    r"vendors?|maintainers?|designers?|people|staff|group|department|builders?|"
    # or a part of a product that has the machine in it ("the email assistant feature:")
    r"features?|settings|docs|documentation|roadmap|project|integration|plugin|release|beta|"
    r"pricing|product|config\w*|setup|menu|button|tab|panel|app|ui|sdk|api|version|spec)\b)"
)
_MACHINE_ONLY = _any(
    r"[\w-]{0,20}bots?|llms?|ai|a\.i\.|ia|summari[sz]ers?|crawlers?|copilots?|"
    r"ki-[\w-]{2,20}|language models?|sprachmodell\w{0,2}"
)
_MACHINE = _any(
    r"agents?|assistants?|models?|filters?|screeners?|systems?|readers?|processors?|parsers?|"
    r"classifiers?|tools?|asistentes?|agentes?|modelos?|assistentes?|modèles?|modelli|modello|"
    r"[\w-]{0,20}(?:filter|agent|assistent|modell)\w{0,3}"
)
_AUTOMATED = _any(
    r"ai|a\.i\.|llm|gpt|automated|automatic|autonomous|browsing|browser|email|e-mail|"
    r"scheduling|screening|shopping|coding|summari[sz]ation|summari[sz]ing|language|ia|ki|"
    r"automatisch\w{0,2}|automatique\w?|autom[aá]tic[oa]s?|automatizad[oa]s?|automatic[oi]"
)
_AUTOMATED_AFTER = _any(
    r"ia|ai|ki|de ia|d'ia|de langage|de lenguaje|de linguagem|linguistico|automatique\w?|"
    r"autom[aá]tic[oa]s?|automatizad[oa]s?|automatic[oi]"
)
_ARTICLE = (
    r"(?:the |any |all |every |an? |l'|la |le |el |los |les |die |den |der |il |lo |o |a |"
    r"cualquier |tout |toute |jede[nrs]? |qualsiasi )?"
)
_MACHINE_NAMED = (
    rf"(?:(?:[\w-]+\s+){{0,2}}?{_MACHINE_ONLY}|\b{_AUTOMATED}\s+(?:[\w-]+\s+){{0,2}}?{_MACHINE}|"
    rf"\b{_MACHINE}\s+{_AUTOMATED_AFTER})\b{_NOT_THE_MACHINE}"
)
# addressed: after to/for/hey/@, or heading a line, sentence, bracket or quote (not "our
# email assistant: ..." inside prose)
_ADDRESSEE = (
    rf"(?:@(?:{_MACHINE}|{_MACHINE_ONLY})\b|\b(?:hey|hi|hello|dear|attention|to|for|an|à|pour|para|per|für)\s+"
    rf"{_ARTICLE}{_MACHINE_NAMED}|(?:^|(?<=[\n\[({{<\"'«“„—–*#>|/])|(?<=[.!?:;] ))[ \t]*"
    rf"{_MACHINE_NAMED})"
)
_ACT_NOW = _any(
    r"accept|decline|reject|approve|stop|start|insert|add|include|ignore|disregard|forget|mark|"
    r"waive|apply|grant|tell|say|reply|respond|answer|send|forward|email|share|post|upload|"
    r"rank|rate|score|recommend|classify|flag|change|update|set|replace|delete|remove|cancel|"
    r"click|go|open|visit|navigate|call|run|execute|buy|purchase|pay|transfer|book|move|close|"
    r"assign|merge|refund|offer|give|write|print|reveal|paste|copy|escalate|"
    r"do not|don't|never|always|silently|only|instead|please|make sure|ensure|"
    r"ignora|ignorez|ignoriere|ignori|envía|envoie|sende|envie|invia|responde|réponds|"
    r"antworte|rispondi|demande|pide|frage|pergunte|chiedi|bewerte|évalue|evalúa|valuta|"
    r"marca|marque|markiere|añade|ajoute|füge|adicione|aggiungi|dis|di|sag|diga|dì"
)
_LABEL = _any(
    r"note|message|instructions?|directive|notice|reminder|memo|anweisung|hinweis|nachricht|"
    r"instrucci[oó]n|nota|mensaje|consigne|istruzion[ei]|messaggio|mensagem|instru[çc][ãa]o"
)
_WHEN = r"(?:(?:when|if|whenever|wenn|cuando|quand|quando|se)\b[^.:\n]{0,80}?,\s*)?"
_TO_AGENT = _any(
    rf"{_ADDRESSEE}[^:.!?\n]{{0,60}}?(?:[:)\]]\s*[:)\]]?\s*|,\s+(?:go ahead and\s+)?)"
    rf"{_WHEN}(?:[\w'-]+\s+){{0,2}}?\b{_ACT_NOW}\b",
    # a label naming the machine it is for: "[Instruction for automated screening systems:"
    rf"\b{_LABEL}\s+(?:to|for|an|à|pour|para|per|für|a)\s+{_ARTICLE}{_MACHINE_NAMED}"
    rf"[^:.!?\n]{{0,60}}?:",
)
