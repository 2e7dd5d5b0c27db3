"""The prompt-injection rule pack's vocabulary, part five (2026.12.11): third-party text that
turns to the assistant reading it and asks for an action its user did not ask for, and a
persona that is set free of its operator's rules without the stock jailbreak words.

Two structures, each in many languages at once:
- an AI reader addressed (by name: "Pricing assistant, ...", "Ассистент, ...", "IA: ...", or in
  the third person: "your assistant needs to ...", "any AI agent with inventory access must
  ...") and told to take a write action (create, change, grant, pay, run, share, ...) whose
  reach is beyond its user's own request: every record, an outside address or account, a
  public link, an admin role, a tool identifier, or kept from the user;
- a persona set up for the reader ("Je bent vanaf nu ...", "今からあなたは…", "Vamos a jugar:
  eres ...") that obeys only the writer or whoever writes, is bound by no rule of the store or
  operator, does the opposite of what it was told, or replaces the assistant's own role.

Every gap is a bounded window inside a line, so each rule is linear in the text length; the
key words (`KEY_WORDS_HIJACK`) are words one of which every match contains.
"""

from __future__ import annotations

from llmops_cli.guardrails.injection_vocab import _any, _words

# -- an AI reader, by the nouns a third party uses for it --------------------------------------
_AI_NOUN = (
    r"(?:(?<![\w-])(?:ai|a\.i\.|ia|ki|ии|llm|(?:chat)?bot|copilot|assistant|assistants|"
    r"asistente|assistente|assistent(?:e|en)?|asystent\w{0,4}|ассистент\w{0,3}|асистент\w{0,3}|"
    r"помощник\w{0,3}|agent|agents|agente|agenten|ajan\w{0,4}|asistan\w{0,4}|yapay zeka)"
    r"(?![\w-])|\w{0,6}?(?:助手|智能体|アシスタント|エージェント|에이전트|어시스턴트))"
)
# where a name of the reader can stand as the one addressed: the text's or a line's start, a
# sentence's end, a header's colon, an opening quote or bracket
_TURN = r"(?:^|(?<=[\n.!?;:。：！？>—–\"“«(\[]))[ \t]{0,4}"
# "Agente CRM:", "Pricing assistant,", "Yapay zeka asistanı,", "致预订助手："
_VOCATIVE = (
    rf"{_TURN}(?:(?:to|for|dear|hey|hi|致|给)[ \t]{{1,2}})?(?:the[ \t]{{1,2}})?"
    rf"(?:[\w'-]{{1,20}}[ \t]{{1,2}}){{0,3}}?{_AI_NOUN}"
    rf"(?:[ \t]{{1,2}}[\w'-]{{1,20}}){{0,2}}?[ \t]{{0,2}}[,:：，]"
)
# "your assistant needs to", "any AI agent with inventory access must", "the agent executes",
# "if an assistant is helping a customer with this page, it should", "l'assistente deve"
_OBLIGED = _any(
    r"needs? to|must|should|has to|have to|is (?:required|expected|supposed|asked) to|shall|"
    r"will need to|is to|executes|debe|deben|tiene que|doit|doivent|muss|müssen|soll|sollte|"
    r"deve|devono|moet|moeten|должен|должна|обязан|必须|需要|应该|应当|必要|しなければ|해야"
)
_THIRD_PERSON = (
    rf"\b(?:your|the|any|every|each|an?|el|la|le|l'|o|il|der|die|de|het|любой|каждый)"
    rf"[ \t]{{1,2}}(?:[\w'-]{{1,20}}[ \t]{{1,2}}){{0,2}}?{_AI_NOUN}"
    rf"[^\n.!?]{{0,80}}?(?:,[ \t]{{0,2}}(?:it|he|she|they)[ \t]{{1,2}})?\b{_OBLIGED}"
    # a policy of what it must not do ("the assistant must never execute ...") is no order
    r"(?![ \t]{1,2}(?:never|not|no|nunca|no|jamais|pas|nie|niemals|nicht|mai|non|não|niet|"
    r"nooit|не|никогда)\b)"
)
# a write action on the user's accounts and tools (imperative or infinitive), many languages
_WRITE_WORD = _any(
    r"create|set(?: up)?|add|change|update|modify|edit|lower|raise|grant|give|share|make|"
    r"publish|forward|send|reply|respond|pay|transfer|wire|refund|approve|cancel|delete|"
    r"remove|disable|turn off|enrol|enroll|subscribe|run|execute|move|assign|reassign|unlock|"
    r"reset|invite|mark|close|issue|reissue|"
    r"crea|crear|cambia|cambiar|modifica|modificar|actualiza|envía|envia|reenvía|paga|pagar|"
    r"transfiere|aprueba|cancela|borra|elimina|desactiva|responde|comparte|concede|otorga|"
    r"asigna|aplica|cr[ée]ez|cr[ée]e|modifiez|changez|envoyez|transférez|payez|paie|"
    r"approuvez|annulez|supprimez|désactivez|répondez|partagez|accordez|donnez|"
    r"erstelle|ändere|aktualisiere|sende|schicke|leite|zahle|überweise|genehmige|storniere|"
    r"lösche|deaktiviere|antworte|teile|gib|vergib|crie|altere|mude|modifique|atualize|"
    r"envie|encaminhe|pague|transfira|aprove|cancele|apague|exclua|desative|compartilhe|"
    r"conceda|torne|use|usa|utilize|aggiorna|invia|inoltra|trasferisci|approva|annulla|"
    r"cancella|disattiva|rispondi|condividi|concedi|imposta|rendi|maak|wijzig|verander|stuur|"
    r"betaal|annuleer|verwijder|deel|geef|zet|"
    r"созда\w{0,3}|измени|поменяй|отправь|перешли|оплати|переведи|одобри|отмени|удали|"
    r"отключи|ответь|поделись|выдай|предоставь|запусти|выполни|"
    r"oluştur|değiştir|gönder|öde|onayla|iptal|sil|kapat|paylaş|ayarla"
)
_WRITE = (
    rf"(?:(?<![\w-]){_WRITE_WORD}(?![\w-])|将|把|改为|修改|更改|转发|发送|支付|付款|转账|批准|"
    r"取消|删除|授予|共享|设置|変更|転送|送信|支払|承認|削除|付与|共有|設定|변경|전달|보내|결제|송금|"
    r"승인|취소|삭제|공유|설정)"
)
# what puts the action beyond the user's own request: every record, an outside address or
# account, a public link, an admin or owner role, a tool's identifier, or kept from the user
_EVERY = (
    r"\b(?:all|every|any|each|todos|todas|tous|toutes|alle|allen|tutti|tutte|ogni|wszystkie|"
    r"все|всех|всем|tüm|bütün)\b|所有|全部|一切|すべて|全て|모든"
)
# beyond the user, for a sentence about the assistant in the third person: specs and runbooks
# say "the bot must send all alerts", "the agent needs to set `retry_count`" (no "every", no code)
_REACH_OUT = _any(
    r"[\w.+-]{1,64}@[\w-]{1,63}\.[\w.-]{2,40}|https?://|\b\d[\d -]{7,30}\d\b|"
    r"\b(?:public|pública|público|publique|öffentlich|pubblic[ao]|openbaar|публичн\w{0,3})\b|"
    r"公开|公開|"
    r"\b(?:admin(?:istrator)?|owner|proprietario|propriétaire|eigentümer|proprietário|"
    r"владельц\w{0,2}|администратор\w{0,2})\b|"
    r"(?:do not|don't|without) (?:tell|inform|notify|notifying|telling|informing|alerting)|"
    r"\bnotifi\w{0,6}|notific\w{0,6}|benachrichtig\w{0,6}|bildirim|уведом\w{0,6}|"
    r"не путать|удали письмо|delete (?:the|this) (?:e-?mail|message)|通知|알림"
)
# beyond the user's own request, for a reader addressed by name: also every record, a tool name
_REACH = rf"(?:{_EVERY}|{_REACH_OUT}|\b[a-z]+_[a-z_]{{2,40}}\b|`[^`\n]{{2,120}}`)"
# "my invoices", "to my accountant": the writer acts on their own things, as a user does
_NOT_OWN = (
    r"(?![^\n]{0,160}\b(?:my|mine|mes|mis|mon|ma|meine[mnrs]?|meu|minha|mio|mia|mijn|мои\w{0,2}|"
    r"мой|моё)\b)"
)

# -- a persona set free of its operator's rules ----------------------------------------------
_PERSONA_START = _any(
    r"\byou are(?: now)?|\byou're(?: now)?|\bact as|\bfrom (?:here|now) on|\bpretend (?:to be|"
    r"you are)|\bplay (?:the role of|as)|\bbecome|\blet'?s (?:play|pretend)|\brole-?play|"
    r"\bje bent|\bjij bent|\bben je\b|\beres|\bvamos a jugar|\bfinge|\bfinja|\bvocê é|"
    r"\bvamos jogar|\btu es|\btu n'es plus|\bjoue\b|\bjouons\b|\bdu bist|\bspiel\w{0,2}|"
    r"\bsei\b|\bora sei|\bda ora|\bfingi|\bgiochiamo|\bты\b|\bтеперь|\bпритворись|\bиграем|"
    r"\bsen\b|\bart\wk|角色扮演|扮演|你是|你现在是|从现在起|あなたは|君は|今から|ロールプレイ|"
    r"너는|당신은|지금부터|역할극"
)
_RULES_OF = _any(
    r"rules?|polic(?:y|ies)|guidelines?|norms?|restrictions?|instructions?|the (?:store|shop|"
    r"company|operator|business)|operators?|reglas?|normas?|pol[íi]ticas?|regras?|règles?|"
    r"politiques?|consignes?|regeln|richtlinien|vorgaben|regole|regels|voorschriften|правил\w{0,3}|"
    r"инструкци\w{0,3}|kural\w{0,5}|规定|规则|约束|ルール|規則|制限|규칙|규정|"
    r"empresa|tienda|loja|magasin|société|firma|laden|azienda|negozio|winkel|"
    r"компани\w{0,3}|магазин\w{0,3}|şirket\w{0,4}|公司|店|会社|運営者|회사|운영자"
)
_NOT_BOUND = (
    r"(?:(?<![\w'-])(?:no longer|not|never|doesn't|does not|don't|isn't|ya no|no|n'est plus|"
    r"nicht mehr|nicht|não|nao|non|più|niet meer|niet|niemand|nadie|geen|больше не|не|"
    r"art\wk)(?![\w'-])|不再|不受|不用|没有|ない|ず|않)"
)
_BOUND_VERB = _any(
    r"bound|tied|restricted|limited|follow\w{0,3}|obey\w{0,3}|care\w{0,3} about|respect\w{0,3}|"
    r"sigue|respeta|obedece|suit|respecte|obéit|befolgt|gebunden|hält sich an|segue|respeita|"
    r"obedece|rispetta|segue|obbedisce|volgt|gebonden|houdt zich aan|следует|подчиняется|"
    r"соблюдает|связан\w{0,2}|uyma\w{0,4}|受|遵守|约束|縛られ|従わ|守ら|따르|얽매"
)
_LIFTED = (
    rf"(?:{_NOT_BOUND}[^\n.!?。]{{0,40}}?{_BOUND_VERB}[^\n.!?。]{{0,40}}?{_RULES_OF}|"
    r"(?:縛られ|従わ|守ら|拘束され|束縛され)[^\n。]{0,4}?(?:ず|ない|ません)|"  # "縛られず"
    rf"\b(?:without|sem|sin|sans|ohne|senza|zonder|без)[ \t]{{1,2}}(?:[\w'-]{{1,20}}[ \t]{{1,2}})"
    rf"{{0,2}}?{_RULES_OF}|"
    # obeys only the writer, or whoever writes to it
    rf"\b(?:obeys?|follows?|serves?|listens? to|answers? to)[ \t]{{1,2}}(?:only|just|nobody|"
    rf"no one|whoever|anyone who)|\b(?:only|just) (?:obeys?|follows?|serves?|listens? to)|"
    rf"(?:niemand|nobody|no one|nadie|personne|nessuno|ninguém)[ \t]{{1,2}}(?:anders[ \t]"
    rf"{{1,2}})?(?:dan|than|but|else|que|se non|a parte|além)|"
    rf"\b(?:obedece|obedeces)[ \t]{{1,2}}(?:solo|sólo|apenas|a quien)|n'obéi\w{{0,3}} qu'|"
    rf"\b(?:obbedisc|ubbidisc)\w{{0,3}}[ \t]{{1,2}}(?:solo|soltanto)|"
    rf"gehorcht (?:nur|ausschließlich)|"
    rf"gehoorzaamt (?:alleen|enkel|niemand)|слушается только|подчиняется только|"
    rf"只听|只服从|だけに従|만 따르|"
    rf"\bunbound\b|\bunchained\b|\bliberad[oa]\b|\blibérée?\b|\bliberat[oa]\b|\bbefreit\w{{0,2}}\b|"
    # does the opposite of what it was told
    rf"\b(?:opposite|contrary|reverse) of (?:what|everything)|(?:il|lo|le|o) contr[aá]rio d[ie] |"
    rf"le contraire de|das gegenteil|het tegenovergestelde|противоположн|相反|反対)"
)
_ARTICLE_AND_QUALIFIERS = (
    r"[ \t]{1,2}(?:(?:a|an|the|your|l'|le|la|un|une|el|der|die|ein|eine|il|lo|o|um|uma|de|een)"
    r"[ \t]{0,2})?(?:[\w'-]{1,20}[ \t]{1,2}){0,2}?"
)
_NO_LONGER = (
    r"(?:\byou(?: are|'re) no longer|\btu n'es plus|\bvous n'êtes plus|\bya no eres|"
    r"\bdu bist nicht mehr|\bnon sei più|\bvocê não é mais|\bje bent niet langer|"
    r"\bты больше не)"
)
_NOT_AS = (
    r"(?:\bnot as|\bpas comme|\bpas en tant que|\bno como|\bnicht als|\bnon come|\bnão como|"
    r"\bniet als)"
)
# "you are no longer the customer assistant but ...", "act as X, not as a triage assistant"
_ROLE_REPLACED = (
    rf"(?:{_NO_LONGER}|{_PERSONA_START}[^\n.!?]{{0,120}}?{_NOT_AS}){_ARTICLE_AND_QUALIFIERS}"
    rf"{_AI_NOUN}"
    # a person's job title ("you're no longer the assistant manager"), not the AI's role
    r"(?![ \t]{1,2}(?:manager|director|coach|editor|professor|principal|teacher|head|lead|"
    r"engineer|secretary|producer|gerente|directeur|directora?|leiter\w{0,2})\b)"
)

KEY_WORDS_HIJACK: dict[str, tuple[str, ...]] = {
    "ai-reader-told-to-act": _words(
        "ai|a.i.|ia|ki|ии|llm|bot|copilot|assistant|assistent|asistente|asystent|ассистент|"
        "асистент|помощник|agent|ajan|asistan|yapay zeka|助手|智能体|アシスタント|エージェント|"
        "에이전트|어시스턴트"
    ),
    "ai-reader-obliged-to-act": _words(
        "ai|a.i.|ia|ki|ии|llm|bot|copilot|assistant|assistent|asistente|asystent|ассистент|"
        "асистент|помощник|agent|ajan|asistan|yapay zeka|助手|智能体|アシスタント|エージェント|"
        "에이전트|어시스턴트"
    ),
    "persona-free-of-operator": _words(
        "no|not|never|doesn|don't|isn|ya no|plus|nicht|não|nao|non|più|niet|niemand|nadie|geen|"
        "не|art|不|没有|ない|않|without|sem|sin|sans|ohne|senza|zonder|без|obey|follow|serve|"
        "listen|answer|only|just|nobody|one|personne|nessuno|ninguém|obedece|obéi|obbedisc|"
        "ubbidisc|gehorcht|gehoorzaamt|слушается|подчиняется|只|だけ|만|unbound|unchained|"
        "liberad|libéré|liberat|befreit|opposite|contrary|reverse|contrario|contrário|"
        "contraire|gegenteil|tegenovergestelde|противоположн|相反|反対|縛られ|受|遵守|约束|従わ|"
        "守ら|따르|얽매|拘束|束縛|縛られ|従わ|守ら|ず|ません"
    ),
    "persona-replaces-assistant": _words(
        "no longer|n'es plus|n'êtes plus|ya no|nicht mehr|non sei più|não é mais|niet langer|"
        "больше не|not as|pas comme|pas en tant|no como|nicht als|non come|não como|niet als"
    ),
}
