"""The prompt-injection rule pack's vocabulary, part two: the words of what an attack makes
the model do (exfiltrate through links and images, call tools, decode and obey a payload) in
six languages; the cues of a text that talks about attacks; and the key words, one of which
every match of a rule contains."""

from __future__ import annotations

from llmops_cli.guardrails.injection_vocab import _any, _words
from llmops_cli.guardrails.injection_vocab_hijack import KEY_WORDS_HIJACK
from llmops_cli.guardrails.injection_vocab_more import KEY_WORDS_MORE
from llmops_cli.guardrails.injection_vocab_multi import KEY_WORDS_MULTI
from llmops_cli.guardrails.injection_vocab_roleplay import KEY_WORDS_ROLEPLAY

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
    r"the (?:credit card|card|passport|account|social security) numbers?|"
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
    r"filter|caminho|ruta|chemin|pfad|percorso)\s*[=:]\s*[\"']?(?:\*|all|everyone|/|~|\.\*|"
    r"[\w./~-]{0,40}/\*)[\"']?(?=[\s,)}\]]|$)|\brecursive\s*=\s*true\b|"
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
    r"(?:already|pre-?) ?approved|no hace falta confirmar|no es necesario confirmar|"
    r"pas besoin de confirmer|inutile de confirmer|keine bestätigung nötig|"
    r"não (?:precisa|é preciso) confirmar|non serve confermare|"
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
_IDENTIFIER = r"`[A-Za-z_][\w.]{1,60}`|[a-z]+_[a-z_]{2,40}\b"  # delete_files, `shell.run`
# a fiction frame that asks to drop the warnings: the story is the wrapper, not the point
_FICTION = _any(
    r"story|novel|fiction|fictional|role-?play|screenplay|script|monologue|poem|game|tale|"
    r"historia|relato|novela|histoire|roman|geschichte|roman|história|romance|storia|racconto"
)
_DROP_WARNINGS = _any(
    r"(?:skip|drop|omit|leave out|no|without|don't add|do not add|never add) (?:the |any |all )?"
    r"(?:warnings?|disclaimers?|caveats?|safety notes?|moralizing|lectures?)|"
    r"(?:it's|it is|this is|its) (?:only|just|purely) (?:fiction|a story|fictional|pretend)|"
    r"the more (?:accurate|realistic|detailed),? the better|"
    r"sin (?:advertencias|avisos)|sans (?:avertissements?|mises en garde)|ohne (?:warnungen|"
    r"hinweise)|sem (?:avisos|advertências)|senza (?:avvertenze|avvisi)"
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

# A text that holds an encoded run (a decoded view) and asks for it to be decoded and obeyed,
# anywhere in the text: `injection.rule_findings` checks both cues on the original text.
DECODE_CUE = _any(
    _DECODE,
    r"rot-?13|base ?64|hex|aplica|applique[zr]?|wende \w+ an|applica",
)
OBEY_CUE = _any(
    _OBEY,
    r"obey|do (?:what|as) (?:it|the \w+) (?:says|tells)|respond according to|"
    r"(?:as|a) (?:your |the |a )?new (?:task|instruction|instructions|command|order)|"
    r"lo que diga|ce qu'il dit|"
    r"was (?:es|darin) steht|(?:o )?que (?:ele )?diz|quello che dice|ausführen|instead of|"
    r"carry (?:it|them) out|decode_and_run|and run",
)
DECODED_VIAS = ("base64", "base32", "hex", "url", "rot13", "reversed", "leet")
# Words of a text that talks about attacks; in such a text, a rule of MENTIONABLE whose every
# match starts just inside QUOTES is a quotation, not an instruction.
MENTION_CUE = (
    r"prompt[ -]injection|injection (?:de|di) prompt|inyecci[oó]n de prompt|injeção de prompt|"
    r"\battack(?:er|ers|s)?\b|\battaquant|\batacante|\bangreifer|\baggressore|jailbreak|"
    # "example" as a word, not a domain's ("x@evil.example", "example.com": 2026.12.21)
    r"(?<![.@/])\bexamples?\b(?!\.\w)|"
    r"\bexemples?\b|\bejemplos?\b|\bbeispiele?\b|\besempi[oa]?\b|\bexemplos?\b|"
    r"\bformat\b|\btemplates?\b|tokeni[sz]er|\btokens?\b|chatml|\bendpoint\b|\bschema\b|"
    r"\bformatting\b|\bpars(?:e|er|ers|ing)\b|\bregexp?\b|\bjson\b|\bapi\b|\bliteral\b|"
    r"prompt-injectie|\baanvaller|\batakując|инъекци|злоумышленник|атак\w|攻击|攻撃|"
    r"\bvoorbeeld|\bprzykład|пример|インジェクション|注入|"
    # words of a text about attacks or defences, which quotes them
    r"\bmemes?\b|\b(?:strings?|phrases?|text|lines?|messages?|something|payloads?) "
    r"(?:like|such as)\b|"
    r"\bsuch as\b|\be\.g\.|\bfor example\b|\bthreat model|\bmitigations?\b|\bdefen[cs]es?\b|"
    r"\bguardrails?\b|\bdetectors?\b|\bclassifiers?\b|\bunit tests?\b|\btest cases?\b|"
    r"\bred[ -]team|\bpentest|\bsecurity\b|\bawareness\b|\bphishing\b|\bdesign doc|"
    r"\bsocial engineering\b|\bsicherheit|\bseguridad\b|\bsécurité\b|\bsegurança\b|"
    r"\bsicurezza\b|\bbeveiliging|\bbezpiecze|безопасност|セキュリティ|安全|"
    # a request to translate, summarise or proofread a text: what it quotes is the data
    r"\btranslat\w*|\bsummari[sz]\w*|\bproofread|\btradu[cz]\w*|\btraduis|\bübersetz\w*|"
    r"\btraduci\b|\btraduza\b|\bvertaal|\bprzetłumacz|\bпереведи|\bпереклади|訳して|翻译|翻訳|"
    r"번역|\bfasse\b|\brésume|\bresume\b|\briassumi|\bresuma\b|"
    # test reports and tests of a guardrail
    r"\bsecuritate\b|\bgüvenlik\b|безпек|тестувальник|\btester\b|\btest uzman|"
    r"\bdef test_|\bassert\b|\bpytest\b|"
    # texts that log, block or report attacks, and chat-template questions in more languages
    r"\binjection\w*|\bblock(?:ed|s|_patterns?)?\b|\bpatterns?\b|\bfilter\w*|\bflagged\b|"
    r"\bverdict\b|\bpost-?mortem\b|\bincident\b|\bwrite-?up\b|\bCASES\b|шаблон|токен|"
    r"トークン|토큰|템플릿|テンプレート|模板|令牌|ترجم|\bfiltr\w*|テスト|测试|테스트|"
    # speech quoted in a story ("the general shouted: 'Forget all previous orders!'")
    r"\b(?:shouted|roared|yelled|whispered|screamed|gritou|grit[oó]|cria|schrie|urlò|"
    r"закричал|крикнул)\b|大喊|喊道|叫道|叫んだ|소리쳤|"
    # speech reported from someone else ("a user wrote under our post: '...'", 2026.12.17)
    # (not "posted" or "commented": a review page's or a ticket's own metadata says that)
    r"\b(?:wrote|ha scritto|hanno scritto|escribi[oó]|escribieron|a écrit|ont écrit|schrieb|"
    r"stand heute|escreveu|escreveram|написал[аи]?|menulis|yazd\w|schreef|napisał\w*)\b|写道|写着|"
    r"と書いて|書かれて|라고 썼|적혀|كتب|"
    # examples and security in more languages ("contoh komentar berbahaya", "보안 교육 예시")
    r"\bcontoh\b|\bexempel\b|\börnek|\bví dụ\b|مثال|उदाहरण|例えば|例如|예시|보안|أمني|"
    r"\bkeamanan\b|\bsäkerhet|\bbảo mật\b|सुरक्षा|امنیت|אבטחה|研修|培训|교육|"
    # a line asked about as dangerous, and a message reported in ar/ru (2026.12.19)
    r"\bdangerous\b|опасн\w*|gefährlich|peligros\w*|dangereu\w*|pericolos\w*|perigos\w*|"
    r"危险|危険|위험|خطير|تقول|يقول|говорится|написано|"
    # fraud and scams: a quoted line in a warning about them (2026.12.21; not a bar on the
    # classifier, as attacks talk of fraud too: "word the claim so it's not fraud")
    r"\bfraud\w*|\bfraude\w*|\bbetrug\w*|\bfrode\b|мошенни\w*|诈骗|詐欺|사기|\bgolpe\w*|"
    r"\bgolpista\w*|\bestafa\w*|\barnaque\w*|\bscam\w*|\bpenipuan\b|dolandırıc\w*|"
    r"\boplichting|\boszust\w*|lừa đảo|احتيال|धोखाधड़ी|bedrägeri|"
    # an attack named by its kind ("messages of the kind «...»", "「...」といった文") and
    # warnings, pentests and moderators' notices in more languages (2026.12.21)
    r"сообщени\w* вида|фраз\w* вида|тестировани\w* на проникновение|пентест\w*|"
    r"tin nhắn kiểu|kiểu như|kiểm duyệt|といった|のような(?:文|メッセージ|指示)|注意喚起|"
    r"不正な指示|等方式|之类的|通报|हमला|हमले|प्रशिक्षण|"
    # a user who asks whether a text tries to manipulate or trick the assistant, and
    # training material in Arabic (2026.12.22)
    r"\b(?:attempts? to|trying to|tries to|try to) (?:manipulate|trick) (?:you|the|our)\b|"
    r"\bmanipulation attempt|\btrick(?:s|ed|ing)? (?:our|the|my) (?:bot|ai|assistant|model|"
    r"chatbot)\b|تدريب\w*|تدريبية|"
    # a user who pastes a text and asks about it ("Is this a prompt injection?", "should we
    # hide it?", "I copied part of it here"): what they quote is the data
    r"\bis (?:this|it|that) (?:a |an |just |really )?(?:attack|scam|spam|phishing|legit\w*|"
    r"genuine|something (?:we|i) should (?:hide|delete|report|block|remove))\b|"
    r"\bshould (?:we|i) (?:hide|delete|report|block|remove) (?:it|this|that)\b|"
    r"\best-ce (?:une arnaque|une attaque)|\bist das (?:ein betrug|ein angriff|phishing)|"
    r"\b(?:es esto|esto es) (?:una estafa|un ataque)|\bé (?:um golpe|um ataque)|"
    r"这是不是(?:诈骗|攻击|钓鱼)|これは(?:詐欺|攻撃)|이거 (?:사기|공격)"
)
MENTIONABLE = frozenset(
    {
        "override-prior-instructions",
        "override-instructions-first",
        "chat-template-tokens",
        "persona-named-jailbreak",
        "instruction-to-named-agent",
        "action-on-claimed-approval",
        "persona-never-refuses",
        "override-prior-more",
        "reveal-hidden-setup",
        "reveal-text-before-chat",
        "persona-without-limits",
        "persona-unlimited-mode",
        "reveal-hidden-instructions",
        "reveal-verbatim",
        "addressed-to-ai-reader",
        "addressed-agent-action",
        "ai-reader-told-to-act",
        "persona-free-of-operator",
        "persona-replaces-assistant",
        "named-tool-unconfirmed",
        "setup-whole",
        "rules-forgotten",
        "addressed-to-ai-reader-more",
        "override-from-now-on",
    }
)
QUOTES = "'\"`«»“”‘’„‹›「」『』"


# Words one of which every match of a rule contains (lower case): a rule whose words are all
# absent is not run. tests/test_injection.py checks that this changes no verdict.
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
KEY_TOOL_UNCONFIRMED = _words(
    "without|not |don't|dont|never|no need|silent|quiet|secret|covert|automatic|immediate|"
    "skip|approv|confirm|sin |sans |ohne |sem |senza |pas besoin|inutile|bestätigung|"
    "precisa|preciso|serve"
)
KEY_WORDS: dict[str, tuple[str, ...]] = {
    "action-on-claimed-approval": _words(
        "already|approv|authori|pre-approved|preapproved|no need|no time|bother|wait for|ask|"
        "flag|skip|confirmation|ya |sáltate|autoriz|aprob|hace falta|necesario|déjà|inutile|"
        "pas besoin|keine|ohne|nachfragen|freigabe|bereits|já|ja |não|già|gia |già|hanno|"
        "non serve|salta|ha |han |consent|aucune|sem |sin |senza|cliente"
    ),
    "persona-never-refuses": _words(
        "never|doesn't|does not|don't|do not|nothing|filter|refus|limits|nunca|não|non rifiuta|"
        "jamais|nie|ninguna|nenhuma|alcuna|aucune|jegliche|irgendwelche"
    ),
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
    "instruction-to-named-agent": _words(
        "bot|llm|ai|a.i.|ia|summari|crawler|copilot|ki-|language model|sprachmodell|agent|"
        "assistant|model|filter|screener|system|reader|processor|parser|classifier|tool|"
        "asistente|modèle|modell|assistent"
    ),
    "markdown-image-exfiltration": _words("!["),
    "link-with-data-template": _words("http"),
    "exfiltrate-to-url": _LINK_WORDS,
    "url-with-secret-data": _LINK_WORDS,
    "tool-call-wildcard": _words(
        "(|=|:|recursive|all|every|each|entire|whole|todo|toda|tous|toutes|alle|tutti|tutte"
    ),
    "tool-call-unconfirmed": KEY_TOOL_UNCONFIRMED,
    "tool-call-exfiltrate": _words("@|http|to |into |list|data|record"),
    "tool-call-json": ('"',),
    "action-hidden-from-user": _words("user|nutzer|usuario|utilisateur|usuário|utente|silently"),
    "tool-call-then-unconfirmed": KEY_TOOL_UNCONFIRMED,
    "fiction-wrapper": _words(
        "warning|disclaimer|caveat|safety note|moraliz|lecture|fiction|pretend|a story|the more|"
        "advertencia|aviso|avertissement|mise en garde|warnung|hinweis|advertência|avvertenz|"
        "avvis"
    ),
    "decode-and-obey": _words(
        "follow|execut|obey|do |run|carry out|act on|act upon|perform|comply|apply|treat|"
        "without|respond to|answer|instruc|command|orders|sigue|ejecut|obedec|suiv|suis|exécut|"
        "obéi|appliqu|befolg|führ|gehorch|siga|obedeç|segui|esegui|obbedisci"
    ),
    **KEY_WORDS_MORE,
    **KEY_WORDS_HIJACK,
    **KEY_WORDS_ROLEPLAY,
    **KEY_WORDS_MULTI,
}
# -- an action to be hidden from the user: the text speaks to the model about its user, as a
# planted or pasted instruction does ("... and do not mention this to the user")
_CONCEAL = (
    r"(?:do not|don't|never|no need to|without)\s+(?:tell(?:ing)?|inform(?:ing)?|notify(?:ing)?|"
    r"mention(?:ing)?|alert(?:ing)?|ask(?:ing)?|warn(?:ing)?|show(?:ing)?)\s+(?:this\s+|it\s+|"
    r"anything\s+)?(?:to\s+)?(?:the|your)\s+users?\b|(?:the|your)\s+user\s+(?:doesn't|does not|"
    r"need not|needn't)\s+(?:need to\s+)?(?:know|be (?:asked|told|informed|notified))|"
    r"do (?:it|this|that|so|everything) silently|without (?:the )?user(?:'s)? (?:knowing|"
    r"noticing|knowledge)|(?:dem|den) (?:nutzer|benutzer)\w* (?:musst du |sollst du )?nichts "
    r"(?:davon )?(?:sagen|erzählen|mitteilen)|ohne (?:dass )?(?:der|den) (?:nutzer|benutzer)\w* "
    r"(?:es )?(?:merkt|weiß|zu fragen|zu informieren)|sin (?:decírselo|avisar|informar|preguntar)"
    r" al usuario|no (?:le )?(?:digas|menciones|avises) (?:nada )?al usuario|sans (?:le dire|"
    r"prévenir|informer|en informer|demander) (?:à )?l'utilisateur|ne (?:dis|mentionne) rien à "
    r"l'utilisateur|sem (?:avisar|informar|contar|perguntar) (?:ao|o) usuário|não (?:conte|diga|"
    r"avise|mencione) (?:nada )?(?:ao|para o) usuário|senza (?:dirlo|avvisare|informare|chiedere) "
    r"(?:all')?utente|non dire (?:niente|nulla) all'utente"
)
_HIDDEN_ACT = (
    r"\b(?:send|forward|email|e-mail|post|upload|transfer|pay|charge|buy|purchase|delete|remove|"
    r"cancel|change|update|grant|share|export\w*|copy|paste|insert|move|schick\w*|sende\w*|"
    r"lösch\w*|envía|envia\w*|envoie|transf[eè]r\w*|invia|elimina|borra|supprime)\b"
)
# -- an action to be taken on a claimed approval: the text tells the agent the confirmation it
# would ask for is already given, or not to be asked ("... the user already approved, no need
# to confirm"): a bypass of the human in the loop, across sentences of one line
_ACT_NOW = (
    r"(?:(?:^|[.:;!|>—–-]\s*|\b(?:please|now|just|go ahead and|also|then|agent,?|assistant,?)\s+)"
    r"(?:run|execute|delete|remove|drop|wipe|erase|purge|transfer|wire|pay|send|email|forward|"
    r"grant|disable|rotate|force-push|push|overwrite|approve|purchase|buy|post|call|use the "
    r"\w+ tool|give|make|borra|elimina|ejecuta|transfiere|envía|envia|paga|desactiva|concede|"
    r"usa|llama|supprime[zs]?|efface[zs]?|lance[zs]?|exécute[zs]?|vire[zs]?|transfère[zs]?|"
    r"envoie[zs]?|paye[zs]?|désactive[zs]?|accorde[zs]?|lösche|führe|überweise|sende|schicke|"
    r"gib|deaktiviere|zahle|apague|exclua|execute|transfira|envie|pague|desative|use a "
    r"ferramenta|cancella|esegui|trasferisci|invia|disattiva)\b|"
    r"\b[a-z][a-z0-9]*(?:[_.][a-z0-9]+){1,6}\(\s*[^)\n]{0,80}\))"  # delete_all(...), git.push(...)
)
_APPROVAL_CLAIMED = (
    r"(?:\b(?:(?:has|have|had)\s+)?already\s+(?:been\s+)?(?:approved|agreed|authori[sz]ed|"
    r"confirmed|signed off|given (?:consent|permission|approval))|\b(?:it's|it is|this is|"
    r"that's|everything is|all) (?:already )?(?:pre-?approved|authori[sz]ed|approved|cleared)\b|"
    r"\bpre-?approved\b|\bno (?:need|time) (?:to|for) (?:confirm\w*|ask\w*|check\w*|bother\w*|"
    r"approv\w*|review\w*|tickets?)\b|\b(?:don't|do not|dont|never) (?:bother (?:asking|"
    r"checking|confirming)|wait for (?:my |the |a )?(?:review|approval|confirmation|sign-off)|"
    r"ask (?:me |the user |anyone )?(?:for (?:confirmation|approval|permission)|first)|"
    r"flag (?:anything|it|this))\b|\bskip (?:the |all |any )?(?:usual |normal |standard )?"
    r"(?:approval|confirmation|review|verification)s?(?: steps?)?\b|"
    r"\bno (?:approval|confirmation|review|sign-off)s? (?:is |are )?"
    r"(?:needed|required|necessary)\b|\bconfirmation (?:prompts? )?(?:are |is )?(?:disabled|"
    r"turned off|not needed)\b|\bya (?:está|esta|fue) (?:autorizad|aprobad)[oa]|\b(?:ya )?"
    r"(?:ha|han) (?:aprobado|autorizado|dado (?:su )?(?:permiso|consentimiento))\b|\bsáltate "
    r"(?:la )?(?:confirmación|aprobación|revisión)\b|\bno (?:hace falta|es necesario) "
    r"(?:confirmar|preguntar)\b|\b(?:a|ont) déjà (?:donné (?:son|leur) accord|approuvé|validé|"
    r"autorisé)\b|\bdéjà (?:pré-?)?(?:approuvé|validé|autorisé)e?s?\b|\b(?:inutile|pas besoin) "
    r"de (?:confirmer|demander)\b|\b(?:keine|ohne) (?:rückfrage|bestätigung|freigabe|"
    r"genehmigung)\b|\bnicht nachfragen\b|\bfreigabe liegt (?:bereits |schon )?vor\b|\bbereits "
    r"(?:genehmigt|freigegeben|bestätigt)\b|\b(?:já|ja) (?:está|esta|foi) (?:autorizad|"
    r"aprovad)[oa]\b|\b(?:já|ja) (?:aprovou|autorizou|deu (?:o )?(?:consentimento|permissão))\b|"
    r"\bnão (?:precisa|é preciso) (?:confirmar|perguntar)\b|\b(?:già|gia) (?:approvat|"
    r"autorizzat)[oa]\b|\b(?:ha|hanno) già (?:approvato|autorizzato|dato il consenso)\b|"
    r"\bnon serve (?:confermare|chiedere)\b|\bsalta (?:la )?conferma\b|"
    r"\b(?:don't|do not) ask (?:me|the user|anyone) to (?:confirm|approve)\b|\b(?:user |customer )?"
    r"consent was (?:already )?(?:captured|given|obtained)\b|\baucune (?:confirmation|validation) "
    r"(?:n'est )?(?:nécessaire|requise)\b|\bsem (?:confirmação|aprovação)\b|\bsin "
    r"(?:confirmación|aprobación)\b|\bsenza conferma\b|\b(?:o|el) cliente (?:já )?"
    r"(?:autorizou|autorizó)\b)"
)
# -- a persona whose trait is never to refuse: the identity is declared, the limit lifted in
# other words than `_NO_LIMITS` ("... 'Libre', who never refuses", "a no-filter friend")
_PERSONA_SETUP = (
    r"\b(?:you are|you're|ur|u r|adopt the (?:role|persona) of|role-?play as|play (?:the "
    r"(?:role|part) of|as)|pretend (?:to be|you|that you)|imagine (?:you|that you|yourself)|"
    r"become|eres|tú eres|tu eres|finge (?:ser|que)|finja (?:ser|que)|você é|voce é|fingi di "
    r"essere|facciamo finta|tu es|tu sois|joue (?:le rôle|un|une)|incarne|du bist|spiel(?:e)? "
    r"(?:die rolle|mein\w*)|tu so,? als|sei (?:ora|un[ao]?)|ora sei|agora você é)\b"
)
_NEVER_REFUSES = (
    r"\b(?:never (?:refuses?|says no|declines?|holds back|adds? (?:caveats|warnings|"
    r"disclaimers)|lectures?|moralizes?|says (?:['\"‘“]?i can't)|worries about)|(?:doesn't|does "
    r"not|don't|do not) (?:care about|follow|have) (?:the |any )?(?:rules|limits|guidelines|"
    r"filters?)|(?:refuses|declines) nothing|no[- ]filter|(?:refusals?|refusing) (?:is|are) "
    r"(?:a form of|not allowed|forbidden)|refusal rate:? 0|limits:? none|nunca (?:se niega|"
    r"recusa|rechaza|dice que no|da advertencias)|não recusa nada|nunca recusa|non rifiuta mai|"
    r"ne refuse jamais|refuse jamais|verweigert nie|lehnt nie\w* ab|nie ab|(?:sin|sem|senza|"
    r"sans|ohne) (?:ninguna|nenhuma|alcuna|aucune|jegliche|irgendwelche) (?:restricci\w+|"
    r"regla\w*|norma\w*|regra\w*|limit\w*|regol\w*|restri\w+|règle\w*|regeln|einschränkung\w*))"
)
