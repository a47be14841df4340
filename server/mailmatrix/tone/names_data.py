"""Word lists behind name parsing: titles, company words and East Asian family names.

Titles are only ever read where someone wrote them; nothing here maps a given name to a gender.
Family-name lists decide the order of a name ("Tanaka Taro", "王伟"): they are the most common
surnames, not a claim that everyone with one is from a given country.
"""

from __future__ import annotations

# Written before the name (compared lower-case, without a trailing dot).
PREFIX_TITLES = frozenset({
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame",
    "herr", "herrn", "frau", "hr", "fr", "dipl.-ing", "dipl.-kfm", "ing", "mag",
    "m", "mme", "mlle", "monsieur", "madame", "mademoiselle",
    "sr", "sra", "srta", "señor", "señora", "señorita", "dra",
    "dott", "dott.ssa", "sig", "sig.ra", "sig.na", "signor", "signora", "avv", "arch",
    "senhor", "senhora", "eng", "dhr", "mevr", "heer", "mevrouw", "drs", "ir",
    "господин", "госпожа", "г-н", "г-жа",
    "السيد", "السيدة", "الدكتور", "الدكتورة", "الأستاذ", "الأستاذة", "المهندس",
})
# Written after the name. Longest first, so 总经理 is taken before 总.
SUFFIX_TITLES: tuple[str, ...] = tuple(sorted({
    "先生", "女士", "小姐", "总经理", "總經理", "经理", "經理", "副总", "总", "總", "总监", "總監",
    "主任", "老师", "老師", "博士", "教授", "律师", "律師", "董事长", "董事長", "部长", "部長",
    "様", "さま", "さん", "殿", "氏", "社長", "課長",
    "님", "씨", "선생님", "사장님", "부장님", "과장님", "대리님", "이사님", "팀장님", "실장님",
    "차장님", "대표님",
}, key=len, reverse=True))
# Turkish titles follow the given name: "Ahmet Bey", "Ayşe Hanım".
TRAILING_WORD_TITLES = frozenset({"bey", "hanım", "hanim"})
# Academic and professional letters after a name ("Hans Schmidt, PhD"): not part of it.
POST_NOMINALS = frozenset({"phd", "ph.d", "mba", "msc", "bsc", "ma", "ba", "jr", "cpa", "peng",
                           "dipl", "md", "llm"})

COMPANY_WORDS = frozenset({
    "gmbh", "ag", "kg", "ug", "ltd", "llc", "inc", "co", "corp", "corporation", "company",
    "limited", "plc", "sa", "s.a", "sarl", "sas", "spa", "s.p.a", "srl", "s.r.l", "bv", "b.v",
    "nv", "n.v", "oy", "ab", "a/s", "as", "pty", "group", "trading", "import", "export",
    "sales", "team", "support", "service", "services", "office", "int'l", "international",
    "industries", "industrial", "technology", "technologies", "logistics", "s.l", "sl", "e.k",
    "ltda", "s.a.s", "kk", "k.k", "co.,ltd",
})
COMPANY_MARKS = ("有限公司", "公司", "集团", "株式会社", "(株)", "（株）", "有限会社", "주식회사",
                 "㈜")

# Chinese compound (two-character) surnames.
CHINESE_COMPOUND_SURNAMES = frozenset({
    "欧阳", "歐陽", "司马", "司馬", "上官", "诸葛", "諸葛", "东方", "東方", "皇甫", "尉迟", "公孙",
    "慕容", "长孙", "宇文", "司徒", "夏侯", "令狐", "端木", "申屠", "轩辕", "澹台", "呼延", "南宫",
    "独孤", "西门", "万俟", "闻人", "东郭", "钟离", "宗政",
})
# The most common Chinese single-character surnames (simplified and traditional forms).
CHINESE_SURNAMES = frozenset(
    "王李张張刘劉陈陳杨楊黄黃赵趙吴吳周徐孙孫马馬朱胡郭何林高罗羅郑鄭梁谢謝宋唐许許韩韓冯馮邓鄧曹彭"
    "曾萧蕭田董潘袁蔡蒋蔣余于杜叶葉程魏苏蘇吕呂丁任卢盧姚沈钟鍾姜崔谭譚陆陸范汪廖石金韦韋贾賈夏付方"
    "邹鄒熊白孟秦邱侯江尹薛闫閻段雷龙龍黎史陶贺賀毛郝顾顧龚龔邵万萬覃武钱錢戴严嚴莫孔向常汤湯康易乔喬"
    "赖賴文施洪辛柯庄莊"
)
# Common Japanese family names (kanji), matched as a prefix of an unspaced name.
JAPANESE_SURNAMES = frozenset({
    "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "渡邊", "山本", "中村", "小林",
    "加藤", "吉田", "山田", "佐々木", "山口", "松本", "井上", "木村", "清水", "山崎",
    "池田", "橋本", "阿部", "石川", "山下", "中島", "石井", "小川", "前田", "岡田",
    "長谷川", "藤田", "後藤", "近藤", "村上", "遠藤", "青木", "坂本", "斉藤", "斎藤",
    "齋藤", "福田", "太田", "西村", "藤井", "金子", "岡本", "藤原", "中野", "三浦",
    "原田", "中川", "松田", "竹内", "小野", "田村", "中山", "和田", "石田", "森田",
    "上田", "内田", "柴田", "酒井", "宮崎", "横山", "高木", "安藤", "宮本", "大野",
    "小島", "工藤", "谷口", "今井", "高田", "丸山", "増田", "杉山", "村田", "大塚",
    "小山", "平野", "藤本", "河野", "久保", "松井", "千葉", "岩崎", "野口", "菅原",
    "木下", "野村", "佐野", "菊地", "松尾", "新井", "渡部", "市川", "桜井", "櫻井",
    "森", "林", "原",
})
KOREAN_COMPOUND_SURNAMES = frozenset({"남궁", "황보", "제갈", "선우", "독고", "사공", "서문"})
# Romanized East Asian surnames, most common first: the more common surname of two is the family
# name ("Li Wei" and "Wei Li" are both Li's), a surname before a non-surname too ("Tanaka Taro").
ROMANIZED_SURNAMES: tuple[str, ...] = (
    "wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou", "xu", "sun",
    "ma", "zhu", "hu", "guo", "lin", "luo", "zheng", "liang", "xie", "song", "tang", "deng",
    "feng", "cao", "peng", "zeng", "xiao", "tian", "dong", "pan", "yuan", "cai", "jiang",
    "kim", "lee", "park", "choi", "jung", "cho", "yoon", "jang", "lim", "shin", "kwon", "hwang",
    "ahn", "yoo",
    "sato", "suzuki", "takahashi", "tanaka", "watanabe", "ito", "yamamoto", "nakamura",
    "kobayashi", "kato", "yoshida", "yamada", "sasaki", "yamaguchi", "matsumoto", "inoue",
    "kimura", "hayashi", "shimizu", "saito", "yamazaki", "ikeda", "hashimoto", "abe",
    "ishikawa", "yamashita", "nakajima", "ishii", "ogawa", "maeda", "okada", "fujita", "goto",
    "kondo", "murakami", "endo", "aoki", "sakamoto", "fukuda", "ota", "nishimura", "fujii",
    "yu", "du", "ye", "cheng", "wei", "su", "lu", "ding", "ren", "shen", "yao", "jin", "fan",
    "fang", "shi", "tan", "liao", "zou", "xiong", "qin", "qiu", "hou", "jia", "xia", "gu", "mao",
    "kong", "bai", "cui", "kang", "gong", "wan", "duan", "lei", "qian", "yin", "yi", "chang",
    "wong", "chan", "cheung", "leung", "ho", "ng", "chow", "lau", "tsang", "kwok",
)
ROMANIZED_SURNAME_RANK: dict[str, int] = {name: rank for rank, name in
                                          enumerate(ROMANIZED_SURNAMES)}
# Lower-case words that belong to the family name ("van der Berg", "de la Cruz", "bin Salman").
FAMILY_PARTICLES = frozenset({"van", "von", "der", "den", "de", "da", "di", "du", "del", "della",
                              "des", "la", "le", "dos", "das", "do", "ten", "ter", "al", "el",
                              "bin", "ibn", "zu", "y"})
