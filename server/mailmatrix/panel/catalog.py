"""The panel's words, in every language the UI speaks: one catalog for the Jinja2 templates,
the Gmail cards and the pane's JavaScript (served as JSON).

English and Simplified Chinese are complete (a test fails when a key lacks a language or a
placeholder differs between languages). The UI language comes from the client
(``Office.context.displayLanguage``, Gmail's ``userLocale``); anything else falls back to
English. The customer's language (for the greeting) is a separate matter, decided by ``tone``.
"""

from __future__ import annotations

import string

ENGLISH, CHINESE = "en", "zh-CN"
LANGUAGES = (ENGLISH, CHINESE)

STRINGS: dict[str, dict[str, str]] = {
    # sections
    "panel.title": {ENGLISH: "MailMatrix", CHINESE: "MailMatrix"},
    "section.sender": {ENGLISH: "Sender", CHINESE: "发件人"},
    "section.addresses": {ENGLISH: "All addresses", CHINESE: "全部邮箱"},
    "section.warnings": {ENGLISH: "Warnings", CHINESE: "警告"},
    "section.suggestions": {ENGLISH: "Waiting for your decision", CHINESE: "待您确认"},
    "section.tone": {ENGLISH: "How to reply", CHINESE: "回复建议"},
    "section.company": {ENGLISH: "Company", CHINESE: "公司"},
    "section.participants": {ENGLISH: "Other participants", CHINESE: "其他参与者"},
    "section.recipients": {ENGLISH: "Recipients", CHINESE: "收件人"},
    "section.recipient": {ENGLISH: "Recipient", CHINESE: "收件人"},
    "section.notes": {ENGLISH: "Notes", CHINESE: "备注"},
    "section.formal_channels": {ENGLISH: "Formal channels", CHINESE: "正式事务渠道"},
    "section.link": {ENGLISH: "Someone you know?", CHINESE: "是已知联系人？"},
    # the sender
    "sender.unknown": {ENGLISH: "Unknown sender: first contact",
                       CHINESE: "未知发件人：首次联系"},
    "sender.primary": {ENGLISH: "Primary for formal matters: {address}",
                       CHINESE: "正式事务主邮箱：{address}"},
    "sender.primary_reason": {ENGLISH: "Why: {reason}", CHINESE: "原因：{reason}"},
    "reason.kind": {ENGLISH: "{kind} address", CHINESE: "{kind}"},
    "reason.corporate-domain": {ENGLISH: "corporate domain", CHINESE: "企业域名"},
    "reason.formal-one": {ENGLISH: "used for 1 formal-matter message",
                          CHINESE: "已用于 1 封正式事务邮件"},
    "reason.formal": {ENGLISH: "used for {count} formal-matter messages",
                      CHINESE: "已用于 {count} 封正式事务邮件"},
    "reason.last-seen": {ENGLISH: "last seen {date}", CHINESE: "最近往来 {date}"},
    "reason.pinned": {ENGLISH: "pinned by you", CHINESE: "由您指定"},
    "sender.customer_type": {ENGLISH: "Customer type: {type}", CHINESE: "客户类型：{type}"},
    "sender.last_in": {ENGLISH: "Their last message: {when}", CHINESE: "对方最近来信：{when}"},
    "sender.last_out": {ENGLISH: "Your last message: {when}", CHINESE: "您最近发信：{when}"},
    "sender.local_time": {ENGLISH: "Their local time: {time} ({weekday})",
                          CHINESE: "对方当地时间：{time}（{weekday}）"},
    "sender.off_hours": {ENGLISH: "Outside their working hours; they start again {when}.",
                         CHINESE: "对方当前不在工作时间，将于 {when} 开始工作。"},
    "sender.owner": {ENGLISH: "Account manager: {owner}", CHINESE: "客户经理：{owner}"},
    "sender.restricted": {
        ENGLISH: "A colleague's customer: ask the account manager to share it for the full "
                 "profile.",
        CHINESE: "这是同事的客户：如需完整档案，请联系客户经理共享。"},
    "when.today": {ENGLISH: "today", CHINESE: "今天"},
    "when.days_ago": {ENGLISH: "{days} days ago", CHINESE: "{days} 天前"},
    "when.one_day_ago": {ENGLISH: "yesterday", CHINESE: "昨天"},
    "followup.them": {ENGLISH: "You wrote {when}; no reply yet.",
                      CHINESE: "您{when}发过信，对方尚未回复。"},
    "followup.them_matter": {ENGLISH: "You sent the {matter} {when}; no reply yet.",
                             CHINESE: "您{when}发送了{matter}，对方尚未回复。"},
    "followup.you": {ENGLISH: "They wrote {when}; not answered yet.",
                     CHINESE: "对方{when}来信，您尚未回复。"},
    # weekdays (their clock)
    "weekday.0": {ENGLISH: "Monday", CHINESE: "星期一"},
    "weekday.1": {ENGLISH: "Tuesday", CHINESE: "星期二"},
    "weekday.2": {ENGLISH: "Wednesday", CHINESE: "星期三"},
    "weekday.3": {ENGLISH: "Thursday", CHINESE: "星期四"},
    "weekday.4": {ENGLISH: "Friday", CHINESE: "星期五"},
    "weekday.5": {ENGLISH: "Saturday", CHINESE: "星期六"},
    "weekday.6": {ENGLISH: "Sunday", CHINESE: "星期日"},
    # formal matters
    "matter.quote": {ENGLISH: "quote", CHINESE: "报价"},
    "matter.proforma invoice": {ENGLISH: "proforma invoice", CHINESE: "形式发票"},
    "matter.purchase order": {ENGLISH: "purchase order", CHINESE: "采购订单"},
    "matter.contract": {ENGLISH: "contract", CHINESE: "合同"},
    "matter.invoice": {ENGLISH: "invoice", CHINESE: "发票"},
    "matter.payment": {ENGLISH: "payment", CHINESE: "付款"},
    "matter.bank details": {ENGLISH: "bank details", CHINESE: "银行信息"},
    # customer types
    "type.individual": {ENGLISH: "individual / micro business", CHINESE: "个人 / 微型企业"},
    "type.sme": {ENGLISH: "small or medium business", CHINESE: "中小企业"},
    "type.enterprise": {ENGLISH: "mid-size to multinational", CHINESE: "中大型 / 跨国企业"},
    # address kinds
    "kind.corporate": {ENGLISH: "corporate", CHINESE: "企业邮箱"},
    "kind.personal": {ENGLISH: "personal", CHINESE: "个人邮箱"},
    "kind.encrypted": {ENGLISH: "encrypted", CHINESE: "加密邮箱"},
    "kind.regional": {ENGLISH: "regional provider", CHINESE: "地区邮箱服务商"},
    "kind.role": {ENGLISH: "department mailbox", CHINESE: "部门邮箱"},
    "kind.platform": {ENGLISH: "platform sign-up", CHINESE: "平台注册邮箱"},
    "kind.disposable": {ENGLISH: "disposable", CHINESE: "一次性邮箱"},
    "address.primary": {ENGLISH: "primary for formal matters", CHINESE: "正式事务主邮箱"},
    "address.seen": {ENGLISH: "seen {first} to {last}", CHINESE: "{first} 至 {last} 有往来"},
    "address.hosted": {ENGLISH: "hosted by {hosting}", CHINESE: "托管于 {hosting}"},
    # link states
    "link.auto": {ENGLISH: "linked automatically", CHINESE: "自动关联"},
    "link.confirmed": {ENGLISH: "confirmed by you", CHINESE: "已由您确认"},
    "link.suggested": {ENGLISH: "suggested", CHINESE: "建议关联"},
    # warnings
    "warning.lookalike": {
        ENGLISH: "{domain} imitates {customer}: verify by phone before acting on anything it "
                 "asks.",
        CHINESE: "{domain} 仿冒 {customer}：在按其要求行事之前，请先电话核实。"},
    "warning.name-reuse": {
        ENGLISH: "A new {kind} address uses the name of {name}, known from {known}.",
        CHINESE: "一个新的{kind}使用了 {name} 的名字，此人已知邮箱为 {known}。"},
    "warning.reply-to": {ENGLISH: "Replies go to {target}, not to {address}.",
                         CHINESE: "回复将发送到 {target}，而不是 {address}。"},
    "warning.dmarc": {
        ENGLISH: "Your mail system could not verify this sender (authentication failed).",
        CHINESE: "您的邮件系统无法验证此发件人（身份验证失败）。"},
    "warning.bank-details": {
        ENGLISH: "Bank details from an address not yet confirmed: verify by phone before "
                 "paying.",
        CHINESE: "银行信息来自尚未确认的邮箱：付款前请电话核实。"},
    "warning.display-name": {
        ENGLISH: "The name shown, “{name}”, names {claimed}, but the mail comes from "
                 "{address}.",
        CHINESE: "显示的名称“{name}”指向 {claimed}，但邮件实际来自 {address}。"},
    "warning.severity_high": {ENGLISH: "Important", CHINESE: "重要"},
    "warning.severity_medium": {ENGLISH: "Note", CHINESE: "注意"},
    # actions
    "action.confirm": {ENGLISH: "Same person", CHINESE: "是同一人"},
    "action.reject": {ENGLISH: "Not the same person", CHINESE: "不是同一人"},
    "action.pin_primary": {ENGLISH: "Use for formal matters", CHINESE: "设为正式事务邮箱"},
    "action.unpin_primary": {ENGLISH: "Let MailMatrix choose", CHINESE: "由 MailMatrix 选择"},
    "action.label": {ENGLISH: "Label", CHINESE: "标签"},
    "action.save": {ENGLISH: "Save", CHINESE: "保存"},
    "action.undo": {ENGLISH: "Undo", CHINESE: "撤销"},
    "action.reply_formally": {ENGLISH: "Reply formally", CHINESE: "正式回复"},
    "action.use_primary": {ENGLISH: "Send to the primary address; move this one to Cc",
                           CHINESE: "改发到主邮箱，当前地址移至抄送"},
    "action.use_primary_only": {ENGLISH: "Send to the primary address only",
                                CHINESE: "只发到主邮箱"},
    "action.unlink": {ENGLISH: "Not this person", CHINESE: "不是此人"},
    "action.link_to": {ENGLISH: "Same person as…", CHINESE: "与…是同一人"},
    "action.search": {ENGLISH: "Search", CHINESE: "搜索"},
    "action.link_here": {ENGLISH: "Link to {name}", CHINESE: "关联到 {name}"},
    "action.add_note": {ENGLISH: "Add note", CHINESE: "添加备注"},
    "action.delete_note": {ENGLISH: "Delete note", CHINESE: "删除备注"},
    "search.label": {ENGLISH: "Name or address", CHINESE: "姓名或邮箱"},
    "search.none": {ENGLISH: "No one found.", CHINESE: "未找到联系人。"},
    "note.label": {ENGLISH: "New note", CHINESE: "新备注"},
    "note.private": {ENGLISH: "Only me", CHINESE: "仅自己可见"},
    "note.team": {ENGLISH: "Team", CHINESE: "团队可见"},
    "note.by": {ENGLISH: "{author}, {date}", CHINESE: "{author}，{date}"},
    "note.visibility": {ENGLISH: "Who sees it", CHINESE: "可见范围"},
    "action.refresh": {ENGLISH: "Refresh", CHINESE: "刷新"},
    "action.insert_greeting": {ENGLISH: "Insert greeting", CHINESE: "插入问候语"},
    "action.verify_by_phone": {ENGLISH: "Do not reply: verify by phone first",
                               CHINESE: "请勿回复：先电话核实"},
    # tone
    "tone.formal": {ENGLISH: "Answer formally", CHINESE: "请正式回复"},
    "tone.neutral": {ENGLISH: "A neutral, polite tone fits", CHINESE: "适合中性、礼貌的语气"},
    "tone.relaxed": {ENGLISH: "A relaxed tone fits", CHINESE: "适合轻松的语气"},
    "tone.greeting": {ENGLISH: "Greeting: {greeting}", CHINESE: "问候语：{greeting}"},
    "tone.sign_off": {ENGLISH: "Sign-off: {sign_off}", CHINESE: "结束语：{sign_off}"},
    "tone.cues": {ENGLISH: "Why", CHINESE: "依据"},
    "caution.formal-matter": {
        ENGLISH: "Formal matter ({matters}): keep the reply formal and send it to their "
                 "primary address.",
        CHINESE: "正式事务（{matters}）：请正式回复，并发送到对方的主邮箱。"},
    "caution.privacy": {
        ENGLISH: "They write from an encrypted mailbox: privacy-minded; avoid sensitive data "
                 "in plain attachments.",
        CHINESE: "对方使用加密邮箱：注重隐私，请勿在普通附件中发送敏感信息。"},
    "caution.gdpr": {
        ENGLISH: "Data-protection law applies (GDPR): no marketing without their consent; "
                 "share personal data only as needed.",
        CHINESE: "适用数据保护法（GDPR）：未经同意不得营销，个人数据仅按需共享。"},
    # states
    "state.loading": {ENGLISH: "Loading…", CHINESE: "加载中…"},
    "state.stored_only": {ENGLISH: "Showing stored data: the mailbox could not be reached.",
                          CHINESE: "显示已存数据：暂时无法连接邮箱。"},
    "state.consent_required": {
        ENGLISH: "Showing stored data: MailMatrix may not read this mailbox yet (your "
                 "administrator grants it once for your organization).",
        CHINESE: "显示已存数据：MailMatrix 尚无权读取此邮箱（需管理员为贵组织授权一次）。"},
    "state.open_a_message": {ENGLISH: "Open a message to see who is writing.",
                             CHINESE: "打开一封邮件，查看发件人信息。"},
    "state.history_partial": {
        ENGLISH: "Only part of your past mail with them was read in time; refresh for the rest.",
        CHINESE: "仅及时读取了部分往来邮件；刷新可读取其余部分。"},
    "state.sign_in": {ENGLISH: "Sign in to see who is writing.",
                      CHINESE: "请登录以查看发件人信息。"},
    "state.unsupported": {
        ENGLISH: "This version of Outlook cannot sign in to MailMatrix (on-premises Exchange "
                 "or Office 2016/2019).",
        CHINESE: "此版本的 Outlook 无法登录 MailMatrix（本地部署的 Exchange 或 Office "
                 "2016/2019）。"},
    "state.error": {ENGLISH: "Something went wrong; try again.",
                    CHINESE: "出现问题，请重试。"},
    # learning from the whole mailbox (backfill)
    "backfill.title": {ENGLISH: "Learn from my mailbox", CHINESE: "从我的邮箱学习"},
    "backfill.explain": {
        ENGLISH: "Read the headers (sender, recipients, date, subject; never the text) of your "
                 "mail of the last months, so that MailMatrix knows your customers from today.",
        CHINESE: "读取最近几个月邮件的邮件头（发件人、收件人、日期、主题；从不读取正文），让 "
                 "MailMatrix 从今天起就认识您的客户。"},
    "backfill.months": {ENGLISH: "Months", CHINESE: "月数"},
    "backfill.start": {ENGLISH: "Start", CHINESE: "开始"},
    "backfill.running": {ENGLISH: "{read} messages read ({new} new) of about {total}.",
                         CHINESE: "已读取 {read} 封邮件（新 {new} 封），共约 {total} 封。"},
    "backfill.running_unknown": {ENGLISH: "{read} messages read ({new} new).",
                                 CHINESE: "已读取 {read} 封邮件（新 {new} 封）。"},
    "backfill.waiting": {
        ENGLISH: "{read} messages read; the mailbox asked us to slow down, continuing soon.",
        CHINESE: "已读取 {read} 封邮件；邮箱要求放慢速度，稍后继续。"},
    "backfill.done": {ENGLISH: "Done: {read} messages read, {new} of them new.",
                      CHINESE: "完成：共读取 {read} 封邮件，其中新 {new} 封。"},
    "backfill.stopped": {ENGLISH: "Stopped after {read} messages; start again to continue.",
                         CHINESE: "读取 {read} 封后已停止；重新开始即可继续。"},
    "backfill.failed": {ENGLISH: "Stopped after {read} messages: connect your mailbox again.",
                        CHINESE: "读取 {read} 封后停止：请重新连接邮箱。"},
    "backfill.unavailable": {
        ENGLISH: "Learning from the whole mailbox is not set up on this server.",
        CHINESE: "此服务器未启用从整个邮箱学习的功能。"},
    "backfill.consent_required": {
        ENGLISH: "MailMatrix may not read this mailbox yet: your administrator grants it once "
                 "for your organization.",
        CHINESE: "MailMatrix 尚无权读取此邮箱：需管理员为贵组织授权一次。"},
    "backfill.started": {
        ENGLISH: "Thank you: MailMatrix is learning from your mailbox. You can close this "
                 "page; the progress shows here and in the add-on.",
        CHINESE: "谢谢：MailMatrix 正在从您的邮箱学习。您可以关闭此页面；进度显示在此处和插件中。"},
    "backfill.not_granted": {
        ENGLISH: "Access was not granted: nothing was read. You can try again from the add-on.",
        CHINESE: "未授予访问权限：未读取任何内容。您可以在插件中重试。"},
    "backfill.wrong_account": {
        ENGLISH: "You signed in to Google with another account than the one in Gmail: "
                 "nothing was stored. Try again with the same account.",
        CHINESE: "您登录 Google 的账户与 Gmail 中的账户不同：未保存任何内容。请用同一账户重试。"},
    "backfill.link_expired": {
        ENGLISH: "This link has expired or was not made by MailMatrix. Open it again from "
                 "the add-on.",
        CHINESE: "此链接已过期或并非由 MailMatrix 生成。请从插件中重新打开。"},
}


def ui_language(client_language: str | None) -> str:
    """The catalog language for a client's UI language: "zh-CN", "zh-Hans-CN", "zh" -> Chinese
    (Simplified); everything else, including Traditional Chinese for now, -> English."""
    tag = (client_language or "").replace("_", "-").lower()
    if tag in ("zh", "zh-cn", "zh-sg", "zh-hans") or tag.startswith("zh-hans"):
        return CHINESE
    return ENGLISH


def text(key: str, language: str, **values: object) -> str:
    """The words for ``key`` in ``language`` (English when missing), with ``values`` filled in.
    Values are inserted as given: the templates and cards escape the result."""
    entry = STRINGS[key]
    return entry.get(language, entry[ENGLISH]).format_map(_Strict(values))


def catalog_for(language: str) -> dict[str, str]:
    """Every string in one language, for the pane's JavaScript."""
    return {key: entry.get(language, entry[ENGLISH]) for key, entry in STRINGS.items()}


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class _Strict(dict):
    """format_map values where a missing one is a bug, named in the error."""

    def __missing__(self, key: str) -> str:
        raise KeyError(f"catalog value '{key}' not given")
