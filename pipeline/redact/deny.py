"""Deny by default (issue 11; docs/redaction.md "Deny by default").

After the recognizers and NER have run, every word that could identify a person and that the
engine cannot positively explain is removed, and marked *unsure* so that a person can check
it (`pipeline/redact/review.py`). Suspects: capitalised words mid-sentence, ALL-CAPS words,
names at the start of a sentence, quoted nicknames, handles without an @ (`NightOwl_42`,
`lil.zee`), first names and out-of-vocabulary words in lower case. Explained: the people the
meeting is about, role and kinship words, titles, known places, services, organisations and
agency terms (YAML, extended by the meeting), months, days, acronyms, and ordinary English in
ordinary use (`Vocabulary`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import regex
from spacy.lang.en.stop_words import STOP_WORDS

from pipeline.redact.names import KeepList, NameNormaliser, has_vowel
from pipeline.redact.settings import RedactionSettings
from pipeline.redact.vocabulary import Vocabulary

#: a word: letters (any script), inner hyphens and apostrophes; a possessive 's stays outside
_WORD = regex.compile(
    r"(?<![\p{L}\p{M}\p{N}_@])\p{L}[\p{L}\p{M}]*(?:(?:-|['’](?!s\b))\p{L}[\p{L}\p{M}]*)*")
#: online handles without an @: "NightOwl_42", "lil.zee", "kaiboi99", "xX_Dre_Xx"
_HANDLE = regex.compile(
    r"(?<![\w@./:\\-])(?:"
    # two dotted words then a number: "khalid.bs.97", "lil.zee.07" (not "approx.3")
    r"\p{Ll}{2,}\d*\.\p{Ll}[\p{Ll}\d_]*\.\d{1,4}"
    r"|[\p{L}\p{N}]*\p{L}[\p{L}\p{N}]*_[\p{L}\p{N}_]*"          # underscore
    r"|\p{Ll}{2,}\d*(?:\.\p{Ll}{2,}\d*)+"                        # dotted lower case
    # dotted, with digits, short pieces or underscores anywhere ("moosey.b7", "m0th.vibes",
    # "lil.zee.x", "wes.sharp_"): three letters in a row somewhere, not a file name or a
    # domain, not ending in a number ("approx.3")
    r"|(?=[\p{Ll}\d_.]*\p{Ll}{3})[\p{Ll}\d_]*\p{Ll}[\p{Ll}\d_]*(?:\.[\p{Ll}\d_]+)+"
    r"(?<!\.(?:pdf|docx?|xlsx?|csv|txt|jpe?g|png|gif|html?|com|org|net|uk|gov|nhs|exe|zip|"
    r"msg|eml|pptx?|odt|rtf|mp[34]|mov|wav|heic|io|ly|me|info|co))(?<!\.\d+)"
    r"|\p{L}{3,}\d{2,}"                                          # letters then digits
    r")(?![\w@/-]|\.\w)")
#: a quoted nickname: one to three words, the first capitalised ('Razor', "Little D")
_QUOTED = regex.compile(
    r"(?<![\p{L}\p{N}])(?:[\"“]([^\"”\n]{1,30})[\"”]|[‘']([^'’\n]{1,30})['’](?![\p{L}]))")
#: an initial: "H." or "H" standing alone before a name
_INITIAL = regex.compile(r"\p{Lu}\.?")
#: the word after a name (same line, one space or tab), and the word before one
_NEXT = regex.compile(r"[ \t]{1,2}(\p{L}[\p{L}\p{M}]*(?:(?:-|['’](?!s\b))\p{L}[\p{L}\p{M}]*)*\.?)")
_PREV = regex.compile(r"(?<![\p{L}\p{M}'’-])(\p{L}[\p{L}\p{M}]*(?:-\p{L}[\p{L}\p{M}]*)*)[ \t]{1,2}$")
#: a surname's initial after a first name: "Connor V (Yr 6)", "Jo B." at the end
_SURNAME_INITIAL = regex.compile(r"[ \t](\p{Lu})(?:\.|(?=[ \t]*(?:[(),;:]|$|\n)))")
_RUN_GAP = regex.compile(r"[ \t]+|[ \t]*(?:&|and|of|for|the)[ \t]+")
_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those", "our", "their",
                          "its", "every", "each", "any", "no", "some"})
_SENTENCE_END = frozenset(".!?\n:;•*|>–—-")
#: a possessive or plural ending of an explained word or acronym ("PCSOs", "UPN's", "Fridays")
_PLURAL = regex.compile(r"(?:['’]?s|['’])$")
#: a lower-case possessive written without its apostrophe ("jordans brother", "tjs mum") is
#: a name before these words, or alone after "at"/"to"/"from" ("at graces.")
_OWNED = frozenset({"mum", "mam", "mom", "dad", "brother", "bro", "sister", "sis", "nan",
                    "nana", "gran", "grandad", "grandma", "uncle", "aunt", "auntie", "aunty",
                    "cousin", "mate", "mates", "friend", "friends", "boyfriend", "girlfriend",
                    "bf", "gf", "partner", "house", "home", "place", "flat", "room", "car",
                    "phone", "family", "kids", "baby", "dog", "garden", "party"})
#: words that end a note without naming anyone ("Thanks", "Ends", "Closed")
_CLOSERS = frozenset({"thanks", "thank", "regards", "cheers", "best", "ends", "end", "closed",
                      "nfa", "done", "ok", "okay", "noted", "sent", "signed", "thx", "ta",
                      "rgds", "kr", "many", "kind", "warm", "tbc", "ongoing", "cont", "contd",
                      "continued", "pto", "over", "fin"})
_OPENERS = "\"'“‘([{ \t"
#: a lower-case quoted nickname: one or two words, the second may be an initial ('little d')
_LOWER_NICK = regex.compile(r"\p{Ll}{2,}(?:[ \t]\p{Ll}+)?")
#: the words before and after a quoted nickname in a person's place
_PERSON_SLOT_BEFORE = regex.compile(
    r"(?<![\p{L}])(?i:with|and|re|from|by|named|called|nicknamed|aka|owes|off|to|for|"
    r"about|&)[ \t]+$")
_PERSON_SLOT_AFTER = regex.compile(r"[ \t]*(?:[,;)]|$|['’]s\b|[ \t]+(\p{L}+))")
#: the words that put a quoted word in a person's place on their own (issue 11, heldout8):
#: the object of a preposition a person takes ("argues with", "exploited by", "holding
#: for", "owes"), a name a phone or a person is given ("saved as", "calls himself"); then the
#: sentence may end or a bracket follow ("holding for 'peanut'.", "by 'ghost' (Abshir?)")
_PERSON_OBJECT_BEFORE = regex.compile(
    r"(?<![\p{L}])(?:(?i:with|from|by|for|owes|off|named|called|nicknamed|aka)"
    r"|(?i:saved|stored|listed|down|known|goes)[ \t]+(?i:as|by)"
    r"|(?i:calls?|calling|called|named|nicknamed)[ \t]+(?i:him|her|them)(?:(?i:self|selves))?)"
    r"[ \t]+$")
_SENTENCE_OR_BRACKET_AFTER = regex.compile(r"[.!?]+(?=\s|$)|[ \t]*\(")
#: the word before a quoted word, with an optional "that" ("says that 'tank' ...")
_PREV_WORDS = regex.compile(r"(?<![\p{L}])(\p{L}+)[ \t]+(?:(?i:that)[ \t]+)?$")
#: a quoted word opening a bracket ('("storm" on the street)') or standing alone after a
#: space ('mate "moth" kicked'); a lower-case word alone in brackets ("(moth)"); a
#: lower-case word before an opening bracket ("chips (")
_BRACKET_QUOTE = regex.compile(
    r"(?:(?<=\([ \t]*)|(?<=[\p{L}][ \t]))[\"“‘']([\p{L}][\p{L}'’-]{1,20})[\"”’'](?![\p{L}])")
_ONE_NAME = regex.compile(r"\p{L}[\p{L}'’]*")
_BRACKET_WORD = regex.compile(r"\([ \t]*(\p{Ll}[\p{Ll}'’-]{2,20})[ \t]*\)")
_WORD_BEFORE_BRACKET = regex.compile(r"(?<![\p{L}'’-])(\p{Ll}[\p{Ll}'’-]{2,20})[ \t]+\((?=[ \t]*\p{L})")
#: verbs a person's nickname is the subject of, besides the rules' name verbs: "'gravy'
#: were at the house", "'tank' drives past"
_AUXILIARIES = frozenset({"were", "are", "will", "would", "could", "can", "might", "should",
                          "must", "does", "did", "isnt", "wasnt", "doesnt", "wont"})
#: a line of a chat copied into a note: the speaker's account name, a colon, the message
_CHAT_LINE = regex.compile(r"(?m)^[ \t]*([\p{L}\p{N}_.]+):[ \t]+(.+)$")
#: the same with a time before the speaker ("21:02 gravy.j: ...", "21:05 Mali: ...")
_TIMED_CHAT_LINE = regex.compile(
    r"(?m)^[ \t]*(\d{1,2}[:.]\d{2}[ \t]+)?([\p{L}\p{N}_.]+):[ \t]+(.+)$")
#: in a chat message, the words a name ends it after ("u got the stuff for rhod")
_CHAT_NAME_BEFORE = frozenset({"for", "to", "with", "from", "by", "at", "tell", "ask", "and",
                               "wiv"})
#: "the other y2 reuben", "another Finn": the family's name given to someone else
_OTHER_BEFORE = regex.compile(
    r"(?<![\p{L}])(?i:other|another)[ \t]+(?:[\p{L}\p{N}]{1,4}[ \t]+)?$")
_SIZE_WORDS = frozenset({"big", "little", "lil", "young", "yung", "baby", "mad", "lickle"})
#: a size or age word before a short capitalised name, as street nicknames go ("Big Si")
_SIZE_NICK = regex.compile(
    r"(?<![\p{L}\p{N}'’-])(Big|Little|Lil|Lil'|Young|Yung|Baby|Mad|Lickle)[ \t]+"
    r"(\p{Lu}[\p{L}\p{M}]{0,7})(?![\p{L}\p{M}'’-])")
#: after an ALL-CAPS surname in a police log: ", Forename" or a PNC/CRO label
_POLICE_SURNAME_AFTER = regex.compile(
    r",[ \t]+\p{Lu}\p{Ll}+(?![\p{L}\p{M}'’-])(?![ \t]+\p{Lu})|[ \t]+(?:PNC|CRO)\b")
#: another word in capitals next: a shouted line, not a name ("male WAS DETAINED")
_CAPS_NEXT = regex.compile(r"[ \t]+\p{Lu}{2,}")
#: a capitals word next: the ALL-CAPS word is in a heading or a shouted line
_CAPS_AFTER = regex.compile(r",[ \t]+\p{Lu}\p{Ll}+[ \t]+\p{Lu}{2,}")
#: "X is his best mate", "X was her friend": a relation said of the word before
_IS_RELATION = regex.compile(
    r"[ \t]+(?:is|was|are|were)[ \t]+(?:his|her|their|my|your|our|mum's|dad's)[ \t]+"
    r"(?:(?:best|old|close|new|little|big|older|younger|ex)[ \t]+)?(\p{L}+(?:-\p{L}+)*)")
#: "X from her form", "X from over the road": where a person is from
_FROM_PLACE = regex.compile(
    r"[ \t]+from[ \t]+(?:her|his|their|over|next|across|up|down|round|around|number|no\.?|"
    r"upstairs|downstairs|the[ \t]+(?:flat|house|road|street|estate|corner|block|top|end|"
    r"shop|park|class|year|group|family|youth|club|gym|team|church|mosque|bottom))\b"
    # an agency by its acronym: "Blessing from YJS" (issue 11, heldout12 class)
    r"|[ \t]+from[ \t]+\p{Lu}{2,}(?![\p{L}\p{N}])")
#: "they call smudge", "the lads call him rocket": a nickname being given
_THEY_CALL = regex.compile(
    r"(?<![\p{L}])(?i:they|people|everyone|lads|kids|boys|girls|we)[ \t\n]+(?i:call|calls)"
    r"[ \t\n]+(?:(?i:him|her|them)[ \t\n]+)?[\"'‘“]?(\p{L}[\p{L}\p{M}'’-]*)(?![\p{L}\p{M}])")
#: a word said to be someone's nickname: "biscuit is his nickname", "his street name is
#: sprocket" (issue 11, heldout9 class)
_IS_NICKNAME = regex.compile(
    r"(?|(?<![\p{L}'’-])(\p{L}[\p{L}'’-]*)[ \t]+(?:is|was|'s)[ \t]+(?i:his|her|their)[ \t]+"
    r"(?i:nick[ \t-]?name|street[ \t]+name|name[ \t]+on[ \t]+the[ \t]+street|alias)\b"
    r"|(?<![\p{L}])(?i:nick[ \t-]?name|street[ \t]+name|alias)[ \t]+(?:is|was)[ \t]+"
    r"[\"'‘“]?(\p{L}[\p{L}'’-]*)(?![\p{L}])"
    # "sleepy is what everyone calls him" (issue 11, heldout15 class)
    r"|(?<![\p{L}'’-])(\p{L}[\p{L}'’-]*)[ \t]+(?:is|was|'s)[ \t]+what[ \t]+(?:\p{L}+[ \t]+){1,2}"
    r"(?i:call|calls|called)[ \t]+(?i:him|her|them)\b"
    # a word in capitals opening a line, then who he is thought to be ("SNEAKY - believed
    # to be VUKOVIĆ"; issue 11, heldout15 class)
    r"|(?m:^)[ \t]*(\p{Lu}{3,}[\p{Lu}'’-]*)[ \t]*[\-\u2013\u2014:]?[ \t]*"
    r"(?i:believed|thought|suspected|understood|possibly|probably)[ \t]+(?:to[ \t]+be|is)\b)")
#: "logged by j. moss-ward", "Completed by: Tomos Pengelly": who wrote the record
_SIGNED_BY = regex.compile(
    r"(?<![\p{L}])(?i:logged|signed|completed|written|recorded|entered|updated|typed|"
    r"submitted|compiled|authored)[ \t]+(?i:by):?[ \t]+"
    r"((?:\p{L}\.[ \t]*){0,2}\p{L}[\p{L}\p{M}'’-]+(?:[ \t]+\p{L}[\p{L}\p{M}'’-]+)?)"
    r"(?=[ \t]*(?:[,.;:()\n]|$))")
#: "logged owain pritchard-lloyd, head of year": the writer's full name without "by", then
#: a comma and their role (issue 11, heldout13 class)
_SIGNED_ROLE = regex.compile(
    r"(?<![\p{L}])(?i:logged|signed|completed|written|recorded|entered|updated|typed|"
    r"submitted|compiled|authored)[ \t]+"
    r"((?:\p{L}\.[ \t]*){0,2}\p{L}[\p{L}\p{M}'’-]+[ \t]+\p{L}[\p{L}\p{M}'’-]+)"
    r",[ \t]*(?:(?i:head|deputy|assistant)[ \t]+of\b|(\p{L}+))")
#: the naming phrases after which a capitalised word is a name even when it is a word:
#: "known only as Skip", "aka Tumble", "goes by Lucky" (not "called Police")
_KNOWN_AS = regex.compile(
    r"(?<![\p{L}])(?i:known(?:[ \t]+(?:only|just|simply|locally|mainly))?[ \t]+as|aka|a\.k\.a\.|"
    r"nicknamed|goes[ \t]+by)[ \t]+[\"'‘“]?\Z")
#: a line that is the writer's name in lower case, a comma and their role ("ravinder
#: sethi-wood, head of year 9"; issue 11, heldout15 class)
_SIGNED_LINE = regex.compile(
    r"(?m:^)[ \t]*((?:\p{L}\.[ \t]*){0,2}\p{Ll}[\p{L}\p{M}'’-]+[ \t]+\p{Ll}[\p{L}\p{M}'’-]+)"
    r",[ \t]*(?:(?i:head|deputy|assistant)[ \t]+of\b|(\p{L}+))")
#: the names a record lists after "names given:" ("names given: dami, kofi b and ty"; issue
#: 11, heldout16 class): each item of one or two words and an initial
_NAMES_GIVEN = regex.compile(
    r"(?<![\p{L}])(?i:names?(?:[ \t]+(?:given|mentioned|were|are|of[ \t]+(?:the[ \t]+)?others))?"
    r"|named|nominals?)[ \t]*:[ \t]*"
    r"((?:\p{L}[\p{L}\p{M}'’-]*(?:[ \t]+\p{L}[\p{L}\p{M}'’-]*)?)"
    r"(?:(?:[ \t]*,[ \t]*|[ \t]+(?:and|&)[ \t]+)\p{L}[\p{L}\p{M}'’-]*(?:[ \t]+\p{L}[\p{L}\p{M}'’-]*)?)+)"
    r"(?=[ \t]*(?:[.;\n]|$))")
_NAMES_ITEM = regex.compile(r"[ \t]*(?:,|\band\b|&)[ \t]*")
_SLOT_BEFORE = frozenset({"with", "and", "of", "to", "from", "by", "called", "named", "re"})
#: verbs only a person is the subject of: a rare word before one at the start of a clause is
#: a name ("crumpet told her", "chalky texted"), as "mould is back" is not (issue 11)
_PERSON_ONLY_VERBS = frozenset({
    "told", "tells", "says", "said", "wants", "wanted", "threatens", "threatened", "texted",
    "texts", "messaged", "messages", "rang", "rings", "phoned", "knows", "knew", "owes",
    "owed", "sells", "sold", "deals", "dealt", "gave", "gives", "punched", "punches",
    "kicked", "kicks", "stabbed", "attacked", "shouted", "shouts", "drives", "drove",
    "lives", "lived", "stays", "stayed", "visits", "visited", "collects", "collected",
    "promised", "promises", "asked", "asks", "admitted", "denied", "lied", "laughed",
    "grabbed", "pushed", "slapped", "bullies", "bullied", "groomed", "recruited"})
#: verbs any noun is the subject of ("ketamine was found", "methadone has run out"): a word
#: the dictionary does not know is a name before the other name verbs only ("dessie runs it")
_ANY_SUBJECT_VERBS = frozenset({
    "is", "was", "are", "were", "be", "been", "has", "had", "have", "gets", "got", "comes",
    "came", "goes", "went", "keeps", "kept", "takes", "took", "makes", "made", "left",
    "leaves", "does", "did", "hurt", "hurts", "sits", "sat", "waits", "brings", "brought",
    "will", "would", "can", "could", "should", "must", "might", "remains", "remained",
    "appeared", "became", "returned", "provided", "stated", "reported", "confirmed"})
#: words that open a clause before its subject ("and crumpet told", "says that chalky ...")
_CLAUSE_OPENERS = frozenset({"and", "but", "then", "that", "cos", "coz", "because", "so",
                             "when", "if", "while", "after", "before", "until", "since",
                             "now", "apparently"})
#: a gap that joins two items of a list, quotes allowed ('Leon and "tadpole"', "lee, chalky")
_LIST_GAP = regex.compile(r"[\"“”‘’']?(?:[ \t]*,[ \t]*|[ \t]+(?:and|&|n|or)[ \t]+)[\"“”‘’']?")
#: the rest of a quoted nickname, one or two more words, up to its closing quote
_QUOTE_REST = regex.compile(r"((?:[ \t]+[\p{L}][\p{L}\p{M}'’-]*){1,2})(?=[\"”’'])")
_OPEN_QUOTES = frozenset("\"“‘'")
#: stop words that are no content word of a street name ("brick top", "big dunc")
_FUNCTION_WORDS = STOP_WORDS - {"top", "bottom", "front", "back", "side", "big", "full",
                                "last", "first", "mine"}
#: two or three quoted lower-case words ('"brick top"')
_QUOTED_WORDS = regex.compile(
    r"(?<=[ \t])[\"“‘']((?:\p{Ll}[\p{Ll}'’-]*)(?:[ \t]\p{Ll}[\p{Ll}'’-]*){1,2})[\"”’'](?![\p{L}])")
#: a bracket opening after a word
_OPEN_BRACKET = regex.compile(r"[\"”’']?[ \t]*\([ \t]*")
#: the word after a word, past a closing quote
_NEXT_PAST_QUOTE = regex.compile(r"[\"”’']?[ \t]([\p{Ll}]+)")
#: a person's relation after "and": "chalky and her brother lee"
_AND_RELATION = regex.compile(
    r"[\"”’']?[ \t]+(?:and|&)[ \t]+(?:his|her|their|my|your|our)[ \t]+(\p{Ll}+)"
    r"(?:[ \t]+(\p{Ll}+))?")
#: a relation, quoted or not, after "and" and before a capitalised name: 'crowbar and
#: "uncle" Jurgen' (issue 11, heldout12 class)
_AND_NAMED_RELATION = regex.compile(
    r"[\"”’']?[ \t]+(?:and|&)[ \t]+[\"“‘']?(\p{Ll}+)[\"”’']?[ \t]+\p{Lu}\p{Ll}")
#: the words before a bare word that "who" follows: "worried about tinderbox who ..."
_WHO_BEFORE = frozenset({"about", "with", "from", "by", "for", "to", "and", "at", "of", "re",
                         "saw", "met", "told", "rang", "called"})
#: a bracket around a list: "(jakub, zavion)"
_BRACKET_AROUND = regex.compile(r"\(([^()\n]{1,60})\)")
_LIST_ITEM_SPLIT = regex.compile(r"[ \t]*(?:,|&|\band\b)[ \t]*")
#: a person in capitals after one of these words: "Unknown male NUTMEG (driver)", "Driver
#: BUDGIE (ab12 cde)" (issue 11, heldout12 class)
_PERSON_NOUN_BEFORE = regex.compile(
    r"(?<![\p{L}])(male|female|man|woman|lad|youth|boy|girl|adult|teenager|driver|passenger|"
    r"associate|suspect|nominal|rider|pillion)[ \t]+$", regex.IGNORECASE)
#: relatives a lower-case name owns with its apostrophe: "marlow's mum" (issue 11, heldout12)
_KIN_OWNED = frozenset({"mum", "mam", "mom", "mummy", "dad", "daddy", "brother", "bro",
                        "sister", "sis", "nan", "nana", "nanna", "gran", "granny", "grandad",
                        "grandma", "uncle", "aunt", "auntie", "aunty", "cousin", "stepdad",
                        "stepmum", "boyfriend", "girlfriend", "bf", "gf"})
_POSSESSIVE_KIN = regex.compile(r"['’]s[ \t]+(\p{Ll}+)")
_SIGNATURE_TOKEN = regex.compile(r"[\p{L}\p{N}]+")
_OWNERS = frozenset({"his", "her", "their", "my", "your", "our", "its"})
_PERSON_NEXT = frozenset({"who", "on", "and", "was", "is", "has", "had", "says", "said", "came",
                          "turned", "told", "gave", "keeps", "wants", "picked", "lives"})
_CAP_NEXT = regex.compile(r"[ \t]+\p{Lu}")
_SAINT_BEFORE = regex.compile(r"\b(?:St\.?|Saint)[ \t]+$")
_INITIAL_BEFORE = regex.compile(r"(?<![\p{L}\p{N}])\p{Lu}\.?[ \t]+$")
_SPACES = regex.compile(r"[ \t]+")
#: the part of a hyphenated name before or after a found name ("Tyler-" before "James")
_HYPHEN_LEFT = regex.compile(r"(?<![\p{L}\p{M}'’-])(\p{L}[\p{L}\p{M}]*)-$")
_HYPHEN_RIGHT = regex.compile(r"-(\p{L}[\p{L}\p{M}]*)(?![\p{L}\p{M}-])")
_GAP_WORDS = regex.compile(r"[ \t]+(?:\S+[ \t]+){1,2}")


@dataclass(frozen=True)
class Suspect:
    """A span the engine could not explain."""

    start: int
    end: int
    #: a family member's name the text gives to someone else ("the other y2 reuben"): kept
    #: names do not explain it
    other: bool = False


class DenyByDefault:
    """Finds the words of a text that could identify a person and are not explained."""

    def __init__(self, settings: RedactionSettings, vocabulary: Vocabulary,
                 normaliser: NameNormaliser,
                 diminutive: Callable[[str], bool] = lambda word: False) -> None:
        names, deny = settings.names, settings.deny
        self.vocab = vocabulary
        self._normaliser = normaliser
        #: whether a word is a known diminutive or given name ("dom", "gaz"), for sign-offs
        self._diminutive = diminutive
        fold = _fold_all
        role_tokens = {t for w in names.role_words for t in w.casefold().split()}
        self._explained = (
            fold(names.titles) | role_tokens | fold(names.relation_words)
            | fold(names.label_words) | fold(names.not_names) | fold(names.org_words)
            | fold(names.pet_words) | fold(deny.known_words)
            | {t for w in names.relation_words + names.naming_words for t in w.casefold().split()}
            | fold(settings.address.building_prefixes)
            | {"january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december", "monday", "tuesday", "wednesday",
               "thursday", "friday", "saturday", "sunday", "st", "saint", "i", "ok"}
        )
        #: places are explained unless they are also names (Lincoln, Harrow): then only
        #: after a place word, as SpanContext decides
        self._places = fold(names.places) | fold(names.organisations)
        self._acronyms = frozenset(names.acronyms)
        #: words explained only in capitals: the acronyms and the known words listed that way
        self._caps_words = self._acronyms | frozenset(
            w for w in deny.known_words if w.isupper() and len(w) > 1)
        self._word_names = fold(names.word_names)
        self._lower_ordinary = fold(deny.lower_ordinary)
        self._ordinary_next = fold(deny.word_name_ordinary_next)
        self._org_last = fold(deny.org_last_words) | fold(names.org_words)
        self._particles = fold(names.particles)
        self._name_verbs = (fold(names.caps_verbs) | fold(names.subject_verbs)
                            | fold(names.speech_verbs))
        self._first_names = vocabulary.first_names
        self._speech_verbs = fold(names.speech_verbs) - STOP_WORDS
        self._lower_abbreviations = (frozenset(w.casefold() for w in names.acronyms)
                                     | fold(deny.lower_abbreviations))
        self._relations = frozenset(w.casefold() for w in names.relation_words
                                    if " " not in w) | {"mate", "pal", "bf", "gf"}
        # the plurals too: "his mates jace and tyreke", "her friends Tia and Jade"
        self._relations |= {r + "s" for r in self._relations
                            if r.isalpha() and not r.endswith("s") and len(r) > 2}
        self._abbreviations = fold(deny.abbreviations)
        self._known = fold(deny.known_words)
        #: words after which a place name is a person's name ("friend Mali", "Mrs Kent")
        self._person_before = (self._relations | fold(names.titles) | fold(names.role_titles)
                               | {t for w in names.naming_words for t in w.casefold().split()})
        #: a naming phrase just before, an adverb allowed before its last word ("known as",
        #: "known only as", "also called")
        naming = "|".join(
            r"[ \t]+".join(regex.escape(w) for w in phrase.split()[:-1])
            + (r"(?:[ \t]+(?:only|just|simply|locally))?[ \t]+" if " " in phrase else "")
            + regex.escape(phrase.split()[-1])
            for phrase in sorted(names.naming_words, key=len, reverse=True) if phrase.split())
        self._naming_before = (regex.compile(rf"(?<![\p{{L}}])(?:{naming})[ \t]+\Z",
                                             regex.IGNORECASE) if naming else None)
        self._role_titles = frozenset(names.role_titles)
        #: titles before a surname, as a lower-case note writes them ("ms kettering")
        self._lower_titles = frozenset(t.casefold().rstrip(".") for t in names.titles
                                       if len(t.rstrip(".")) <= 4)
        self._roles = role_tokens | fold(names.role_titles) | fold(names.titles)
        #: the longest word of each known phrase: the phrase pattern runs only on a text with one
        self._phrase_starts = frozenset(max(p.casefold().split(), key=len)
                                        for p in deny.known_phrases)
        self._memo: tuple[str, list[regex.Match[str]], dict[int, bool]] | None = None
        self._lower_memo: tuple[list[regex.Match[str]], bool] | None = None
        self._phrase_memo: tuple[str, list[tuple[int, int]]] | None = None
        self._phrases = (regex.compile(
            r"(?<![\p{L}\p{N}])(?:" + "|".join(regex.escape(p) for p in sorted(
                deny.known_phrases, key=len, reverse=True)) + r")(?![\p{L}\p{N}])",
            regex.IGNORECASE) if deny.known_phrases else None)

    # --- the pass ------------------------------------------------------------------------

    def find(self, text: str, taken: Iterable[tuple[int, int]], keep: KeepList,
             known: frozenset[str] = frozenset(),
             restored: frozenset[str] = frozenset()) -> list[Suspect]:
        """Spans of `text` outside `taken` that could identify someone and are unexplained.

        `known` are case-folded words the meeting explains (its allow-list); `restored` are
        case-folded words a reviewer restored in this text.
        """
        taken = sorted(taken)
        kept = keep.tokens()
        phrases = self.phrase_spans(text)

        def free(s: int, e: int) -> bool:
            return (not any(a < e and s < b for a, b in taken)
                    and not any(a <= s and e <= b for a, b in phrases))

        def explained(folded: str) -> bool:
            if folded in kept or folded in known or folded in restored or keep.keeps((folded,)):
                return True
            # the family as a plural: "the Brissetts", "Smiths'"
            bare = folded.rstrip("'’")
            return bare.endswith("s") and bare[:-1] in kept

        def explained_word(word: str) -> bool:
            """An explained word, or the plural or possessive of one ("PCSOs", "Fridays")."""
            folded = word.casefold()
            if explained(folded) or self._explained_word(word):
                return True
            if not word.endswith(("s", "'", "’")):
                return False
            m = _PLURAL.search(word)
            if m is None or m.start() < 2:
                return False
            stem = word[:m.start()]
            return (explained(stem.casefold()) or stem.casefold() in self._explained
                    or self._explained_word(stem))

        found: list[tuple[int, int]] = []
        # quoted nicknames: the whole quoted phrase
        for m in _QUOTED.finditer(text):
            g = 1 if m.group(1) is not None else 2
            s, e = m.span(g)
            inner = m.group(g).strip()
            words = inner.split()
            if not (1 <= len(words) <= 3) or not inner[:1].isupper() or not free(s, e):
                continue
            folded = [w.strip(".,!?").casefold() for w in words]
            if all((explained(f) or (f in self._explained and len(f) > 1))
                   and not self._acronym_as_name(w.strip(".,!?"))
                   for w, f in zip(words, folded, strict=True)):
                continue
            if len(words) > 1 and (
                    any(w.islower() and w not in self._particles for w in words[1:])
                    or inner[-1:] in "?!."
                    or (all(self.vocab.ordinary(f) or f in STOP_WORDS for f in folded)
                        and not _nickname_caps(words, folded))):
                continue  # speech or a title ("The big three", 'Killed My'), not a nickname
            if inner.casefold() in known or inner.casefold() in restored:
                continue
            found.append((s, e))
        # a quoted nickname in lower case where a person stands: after "with", "and", "re",
        # "from" ..., before a comma, "who", "on" or a verb of saying or doing: 'comes round
        # with "nails", who', "re niko and 'little d' on the stairs"
        for m in _QUOTED.finditer(text):
            g = 1 if m.group(1) is not None else 2
            s, e = m.span(g)
            inner = m.group(g).strip()
            if not inner.islower() or not free(s, e) or not _LOWER_NICK.fullmatch(inner):
                continue
            folded = [w.casefold() for w in inner.split()]
            if not self._person_slot(text, m.start(), m.end(), folded):
                continue
            if folded[0] in STOP_WORDS or all(
                    explained(f) or f in self._explained or f in STOP_WORDS for f in folded):
                continue
            if inner.casefold() in known or inner.casefold() in restored:
                continue
            found.append((s, e))
        # a nickname written beside the name it stands for (issue 11, heldout9): quoted at
        # the opening of a bracket after a name ('Tyler ("gravel")', 'kai ("storm" on the
        # street)') or after a relation ('his mate "moth" kicked'), whatever its case and
        # frequency there; a rarer lower-case word alone in brackets after a name
        # ("connor (moth)") or before a name in brackets ("chips (robbie)")
        for s, e, named in self._beside_a_name(text, taken):
            f = text[s:e].casefold()
            if (not free(s, e) or any(a < e and s < b for a, b in found)
                    or f in kept or keep.keeps((f,)) or f in known or f in restored
                    or f in STOP_WORDS or f in self._roles or f in self._relations):
                continue
            # quoted in brackets right after a name, a word is a nickname even when it is
            # also a term ('("storm" on the street)'); elsewhere it must be unexplained
            if named or not (explained(f) or f in self._explained or f in self._abbreviations):
                found.append((s, e))
        # a quoted word in lower case that is not ordinary English: 'bambi', 'snipes'
        for m in _QUOTED.finditer(text):
            g = 1 if m.group(1) is not None else 2
            s, e = m.span(g)
            inner = m.group(g).strip()
            if (not inner.islower() or " " in inner or len(inner) < 3 or not free(s, e)
                    or not _WORD.fullmatch(inner)):
                continue
            f = inner.casefold()
            if explained(f) or f in self._explained or f in self._abbreviations:
                continue
            vocab = self.vocab
            word_like = (vocab.zipf(f) >= vocab.rules.ordinary_zipf or vocab.dictionary_word(f))
            if not word_like or (f in self._first_names and f not in self._lower_ordinary
                                 and not vocab.word_name(f)):
                found.append((s, e))  # not 'brown' (heroin): a frequent word in lower case
        # an unquoted street nickname: "Big Si", "Lil Ace", "Young Sav" mid-sentence
        for m in _SIZE_NICK.finditer(text):
            w = m.group(2)
            f = w.casefold()
            if (not free(*m.span()) or any(a < m.end() and m.start() < b for a, b in found)
                    or explained_word(w) or f in self._places
                    or (self.vocab.ordinary(f) and len(f) > 3)):
                continue
            found.append(m.span())
        # a nickname after "they call", and a name after "logged by" or before the writer's
        # role (issue 11): "one they call smudge", "the lad they call him rocket", "logged by
        # j. moss-ward", "logged bryn tallis-hope, deputy head"
        for pattern in (_THEY_CALL, _SIGNED_BY, _IS_NICKNAME, _SIGNED_ROLE, _SIGNED_LINE):
            for m in pattern.finditer(text):
                if (pattern in (_SIGNED_ROLE, _SIGNED_LINE) and m.group(2) is not None
                        and m.group(2).casefold() not in self._roles):
                    continue
                s, e = m.span(1)
                names = [w.casefold() for w in _WORD.findall(m.group(1))]
                if (not names or not free(s, e)
                        or any(a < e and s < b for a, b in found)
                        or any(f in STOP_WORDS or f in self._roles or f in self._explained
                               or explained(f) for f in names if len(f) > 1)
                        or (pattern in (_SIGNED_BY, _SIGNED_ROLE, _SIGNED_LINE) and all(
                            self.vocab.ordinary(f) and not self.vocab.namey(f)
                            for f in names if len(f) > 1))):
                    continue
                found.append((s, e))
        # the names a record lists after "names given:": every item not explained
        for m in _NAMES_GIVEN.finditer(text):
            pos = m.start(1)
            for part in [*_NAMES_ITEM.split(m.group(1)), ""]:
                if not part:
                    continue
                s = text.index(part, pos, m.end(1))
                e = s + len(part)
                pos = e
                words = [w.casefold() for w in part.split()]
                if (free(s, e) and not any(a < e and s < b for a, b in found)
                        and not all(explained(w) or w in STOP_WORDS or w in self._roles
                                    or w in self._explained for w in words)):
                    found.append((s, e))
        # handles without an @
        for m in _HANDLE.finditer(text):
            if (free(*m.span()) and not explained(m.group().casefold())
                    and not keep.owns_handle(m.group())):
                found.append(m.span())
        # a chat copied into a note: its speakers are account names ("dazza_k9: ..."), and
        # they call each other by the name in it ("leave it dazza"; issue 11, heldout11)
        for s, e in self._chat_names(text):
            f = text[s:e].casefold()
            if (free(s, e) and not any(a < e and s < b for a, b in found)
                    and not explained_word(text[s:e]) and f not in self._roles):
                found.append((s, e))
        for s, e in self._chat_rare_names(text):
            if free(s, e) and not any(a < e and s < b for a, b in found) and not explained(
                    text[s:e].casefold()):
                found.append((s, e))
        words, runs = self._words(text)
        # a family member's first name the text gives to someone else ("the other y2
        # reuben", "another Finn"; issue 11, heldout12 class): kept names do not explain it
        others = [m.span() for m in words
                  if m.group().casefold() in kept and m.group().casefold() not in keep.surnames
                  and free(*m.span())
                  and _OTHER_BEFORE.search(text, max(0, m.start() - 20), m.start())]
        for i, m in enumerate(words):
            s, e = m.span()
            if not free(s, e) or any(a <= s and e <= b for a, b in found):
                continue
            word = m.group()
            folded = word.casefold()
            parts = [p for p in folded.split("-") if p]
            if (word.isupper() and len(word) >= 3 and word in self._acronyms
                    and has_vowel(word) and not explained(folded)):
                after = _POLICE_SURNAME_AFTER.match(text, m.end())
                if after is not None and not _CAPS_AFTER.match(text, m.end()) and (
                        "PNC" in after.group() or after.group().strip(", \t").casefold()
                        in self._first_names):
                    found.append((s, e))  # "SALT, Kieron": a surname that is an acronym
                    continue
            if explained_word(word) or (len(parts) > 1 and all(
                    explained(p) or p in self._explained or p in self._abbreviations
                    or self.vocab.ordinary(p) or self.vocab.dictionary_word(p)
                    for p in parts)):
                continue
            # a family member's first name in lower case, then a rare word that is no
            # family surname: another person of that first name ("neighbour faith
            # wardle"; issue 11), removed whole
            kept_first = (i > 0 and word.islower() and len(folded) >= 3
                          and folded not in STOP_WORDS and folded not in self._explained
                          and text[words[i - 1].end():s] == " "
                          and words[i - 1].group().islower()
                          and words[i - 1].group().casefold() in kept
                          and words[i - 1].group().casefold() not in keep.surnames
                          and self.vocab.zipf(folded) < self.vocab.rules.ordinary_zipf
                          and not self.vocab.ordinary(folded)
                          and not self.vocab.dictionary_word(folded)
                          and free(words[i - 1].start(), s))
            if (self._suspect(text, words, i, runs) or self._signs_off(text, words, i)
                    or (word.islower() and self._lower_person_place(text, words, i, taken))):
                found.append((words[i - 1].start() if kept_first else s, e))
            elif kept_first:
                found.append((words[i - 1].start(), e))
        return [*(Suspect(s, e) for s, e in self._join(text, sorted(set(found)), taken)),
                *(Suspect(s, e, other=True) for s, e in others
                  if not any(a < e and s < b for a, b in found))]

    def _beside_a_name(self, text: str, taken: Sequence[tuple[int, int]]
                       ) -> list[tuple[int, int, bool]]:
        """Words written as a nickname beside a name (`taken` holds the names found): see
        `find`. A word alone in brackets must be quoted elsewhere in the text, a word before
        a bracketed name rarer than `quoted_nickname_zipf`."""
        ends = {b for _, b in taken}
        limit = self.vocab.rules.quoted_nickname_zipf
        out: list[tuple[int, int, bool]] = []
        for m in _BRACKET_QUOTE.finditer(text):
            i = m.start() - 1
            while i >= 0 and text[i] in " \t":
                i -= 1
            if i >= 0 and text[i] == "(":
                i -= 1
                while i >= 0 and text[i] in " \t":
                    i -= 1
                word = _PREV.search(text, 0, i + 2)
                before = word.group(1).casefold() if word is not None else ""
                # after a name found, or a rare word a later pass may find to be one
                # ("kasper lindqvist", lower case), or a relation ("a friend ('walnut')":
                # issue 11, heldout11 class)
                if i + 1 in ends or before in self._relations or (before and not (
                        self.vocab.ordinary(before) or self.vocab.dictionary_word(before)
                        or self.vocab.zipf(before) >= self.vocab.rules.ordinary_zipf)):
                    out.append((*m.span(1), True))  # 'Tyler ("gravel")'
                continue
            prev = _PREV.search(text, 0, m.start())
            if prev is not None and prev.group(1).casefold() in self._relations:
                out.append((*m.span(1), False))  # 'his mate "moth" kicked'
        # two or three quoted lower-case words after a relation, none a function word: a
        # street name ('Associate "brick top".'; not 'friend "from school"', 'son "works
        # too much"'; issue 11, heldout10 class)
        for m in _QUOTED_WORDS.finditer(text):
            prev = _PREV.search(text, max(0, m.start() - 30), m.start())
            if (prev is not None and prev.group(1).casefold() in self._relations
                    and not any(w in _FUNCTION_WORDS for w in m.group(1).split())):
                out.append((*m.span(1), False))
        quoted = {q.group(1).casefold() for q in _BRACKET_QUOTE.finditer(text)} | {
            (q.group(1) or q.group(2) or "").strip().casefold() for q in _QUOTED.finditer(text)}
        for m in _BRACKET_WORD.finditer(text):
            i = m.start() - 1
            while i >= 0 and text[i] in " \t":
                i -= 1
            if i + 1 in ends and m.group(1).casefold() in quoted:
                out.append((*m.span(1), False))  # "his mate 'moth' ... connor (moth)"
        for m in _WORD_BEFORE_BRACKET.finditer(text):
            f = m.group(1).casefold()
            stem = f[:-1] if f.endswith("s") else f
            # the bracket holds a first name alone, as a nickname's gloss does ("(robbie)"),
            # not a full name after a role ("navigator (Jade Rooney-Bell)") nor a reference
            if (self.vocab.zipf(f) < limit and stem not in self._roles
                    and stem not in self._relations
                    and any(a == m.end() and text[b:b + 1] == ")"
                            and _ONE_NAME.fullmatch(text, a, b) for a, b in taken)):
                out.append((*m.span(1), False))  # "chips (robbie)"
        return out

    def _chat_names(self, text: str) -> list[tuple[int, int]]:
        """In the lines of a chat (each opening with an account name and a colon), the words
        that are the name in a speaker's account name ("gravy" of "gravy.j", "dazza" of
        "dazza_k9"): the speakers address each other by it."""
        lines = [m for m in _CHAT_LINE.finditer(text) if is_handle(m.group(1))]
        if len(lines) < 2:
            return []
        names = {p.casefold() for m in lines for p in _ONE_NAME.findall(m.group(1))
                 if len(p) >= 3}
        names -= STOP_WORDS | _SIZE_WORDS
        return [w.span() for m in lines for w in _WORD.finditer(text, m.start(2), m.end(2))
                if w.group().casefold() in names]

    def _chat_rare_names(self, text: str) -> list[tuple[int, int]]:
        """In a chat copied into a note (two or more lines, each with a time or an account
        name before the speaker), a rare word the dictionary does not know that ends a
        message after "for", "to", "with" ...: the message is lower-case text, and that is
        where a name stands ("21:02 gravy.j: u got the stuff for rhod"; issue 11,
        heldout12 class)."""
        lines = [m for m in _TIMED_CHAT_LINE.finditer(text)
                 if m.group(1) or is_handle(m.group(2))]
        if len(lines) < 2:
            return []
        vocab = self.vocab
        out = []
        for line in lines:
            words = list(_WORD.finditer(text, line.start(3), line.end(3)))
            if len(words) < 2 or text[words[-1].end():line.end(3)].strip(" \t.!?,"):
                continue
            last, prev = words[-1], words[-2]
            f = last.group().casefold()
            if (last.group().islower() and prev.group().casefold() in _CHAT_NAME_BEFORE
                    and len(f) >= 3 and f not in STOP_WORDS and f not in self._explained
                    and f not in self._abbreviations and f not in self._lower_abbreviations
                    and vocab.zipf(f) < vocab.rules.lower_note_oov_zipf
                    and not vocab.ordinary(f) and not vocab.dictionary_word(f)):
                out.append(last.span())
        return out

    def _listed_after_relation(self, text: str, words: list[regex.Match[str]], i: int) -> bool:
        """A later item of a list that follows a relation: "his mates rumi and koa",
        "her cousins tj, ellis and nate"."""
        k = i
        for _ in range(4):
            if k < 2:
                return False
            gap = text[words[k - 1].end():words[k].start()]
            if words[k - 1].group().casefold() == "and" and gap in (" ", "\t"):
                if text[words[k - 2].end():words[k - 1].start()] not in (" ", ", "):
                    return False
                k -= 2
            elif gap == ", ":
                k -= 1
            else:
                return False
            if k < 1:
                return False
            prev = words[k - 1]
            if (prev.group().casefold() in self._relations
                    and text[prev.end():words[k].start()] in (" ", "\t")):
                return True
        return False

    def _lower_person_place(self, text: str, words: list[regex.Match[str]], i: int,
                            taken: Sequence[tuple[int, int]]) -> bool:
        """A rarer lower-case word, quoted or not, where only a person stands (issue 11,
        heldout10 class): the subject of a verb only a person does at the start of a clause
        ("crumpet told duarte", '"toffee" named by'; any name verb for a word the
        dictionary does not know: "dessie runs it"), an item of a list with a name or a
        relation ('Leon and "tadpole".', "chalky and her brother lee"), or a word opening a
        sentence before a bracketed name ("lolly (Blessing Iwu, 14)")."""
        m = words[i]
        folded = m.group().casefold()
        vocab = self.vocab
        if (len(folded) < 3 or folded in STOP_WORDS or folded in self._explained
                or folded in self._roles or folded in self._relations
                or folded in self._name_verbs or folded in self._abbreviations
                or folded in self._lower_abbreviations or folded in self._known
                or vocab.ordinary(folded) or vocab.zipf(folded) >= vocab.rules.ordinary_zipf):
            return False
        known = vocab.dictionary_word(folded)
        if known and folded.endswith(("ing", "ed", "ly", "ness", "ment", "tion", "sion")):
            return False
        opens = _sentence_start(text, m.start())
        prev = words[i - 1] if i > 0 else None
        if not opens and prev is not None and prev.group().casefold() in _CLAUSE_OPENERS:
            opens = text[prev.end():m.start()].strip("\"“‘' \t") == ""
        nxt = _NEXT_PAST_QUOTE.match(text, m.end())
        if opens and nxt is not None:
            verb = nxt.group(1)
            if verb in _PERSON_ONLY_VERBS or (not known and verb in self._name_verbs
                                              and verb not in _ANY_SUBJECT_VERBS):
                return True
        # "who" after a bare word a person's preposition takes: "about tinderbox who"
        if (nxt is not None and nxt.group(1) == "who" and prev is not None
                and prev.group().casefold() in _WHO_BEFORE
                and text[prev.end():m.start()] in (" ", "\t")):
            return True
        if self._in_bracketed_list(text, m, taken):
            return True  # "(jakub, zavion)"
        # a list with a name: joined by "and" on one side, or by commas on both ("Amy
        # Cole, overheard" is a name and a clause, not a list)
        names = [(a, b) for a, b in taken if text[a:a + 1].isalpha()]
        before = next((g for g in _LIST_GAP.finditer(text, max(0, m.start() - 12), m.start())
                       if g.end() == m.start()), None)
        after = _LIST_GAP.match(text, m.end())
        left = before is not None and any(b == before.start() for _, b in names)
        right = after is not None and any(a == after.end() for a, _ in names)
        if (left and "," not in before.group()) or (right and "," not in after.group()):  # type: ignore[union-attr]
            return True  # 'youths incl Leon and "tadpole"', "chalky and Lee"
        if (left or right) and before is not None and after is not None:
            return True  # "Kai, tadpole, Leon"
        rel = _AND_RELATION.match(text, m.end())
        if rel is not None and (rel.group(1) in self._relations
                                or rel.group(2) in self._relations):
            return True  # "chalky and her brother lee", "and his older brother"
        named = _AND_NAMED_RELATION.match(text, m.end())
        if named is not None and named.group(1) in self._relations:
            return True  # 'doormat and "cousin" Dmitri'
        bracket = _OPEN_BRACKET.match(text, m.end())
        # a sentence opening with the word, then a bracket opening with a name
        return opens and bracket is not None and any(
            a == bracket.end() for a, _ in names)  # "lolly (Blessing Iwu, 14)"

    def _in_bracketed_list(self, text: str, m: regex.Match[str],
                           taken: Sequence[tuple[int, int]]) -> bool:
        """An item of a list in brackets whose other items are names: "(jakub, zavion)".
        Every item is one or two words, and another item is a name found or a first name."""
        for b in _BRACKET_AROUND.finditer(text, max(0, m.start() - 60), min(len(text), m.end() + 60)):
            if not (b.start(1) <= m.start() and m.end() <= b.end(1)):
                continue
            items = [x for x in _LIST_ITEM_SPLIT.split(b.group(1).strip()) if x]
            if len(items) < 2 or any(len(x.split()) > 2 for x in items):
                return False
            pos = b.start(1)
            for x in items:
                a = text.index(x, pos)
                pos = a + len(x)
                if a <= m.start() < pos:
                    continue
                first = x.split()[0].casefold()
                if any(a <= s and e <= pos for s, e in taken) or (
                        first in self._first_names and first not in self._lower_ordinary):
                    return True
            return False
        return False

    def _name_slot(self, text: str, words: list[regex.Match[str]], i: int) -> bool:
        """Where a person's name stands: in brackets after a word ("conor (rafferty)"),
        after "with", "and", "of", "to", "from", "by", "called" or a relation, or before a
        verb of saying or doing."""
        m = words[i]
        if text[m.start() - 1:m.start()] == "(" and text[m.end():m.end() + 1] == ")":
            return True
        prev = words[i - 1].group().casefold() if i > 0 else ""
        if prev in _SLOT_BEFORE or prev in self._relations or prev in self._speech_verbs:
            return True  # "with nicklin", "says okafor"
        if prev in ("me", "him", "her", "them") and i > 1 and words[i - 2].group().casefold(
                ) in ("call", "calls", "called"):
            return True  # "everyone calls me zeno"
        nxt = words[i + 1].group().casefold() if i + 1 < len(words) else ""
        return (text[m.end():words[i + 1].start()] == " " if nxt else False) and (
            nxt in self._name_verbs or (nxt.endswith("ed") and len(nxt) > 3))

    def _person_slot(self, text: str, start: int, end: int, folded: list[str]) -> bool:
        """Whether a quoted lower-case word (`text[start:end]` with its quotes) stands where a
        person does: after "with", "and", "re" ... before a comma, "who" or a verb ('comes
        round with "nails", who', "lee and 'gravy' were"); the subject of a reported clause
        ("says 'tank' drives past"); or, when it is not a frequent word, the object of a
        person's preposition or a given name at the end of a sentence or before a bracket
        ("argues with 'spud'.", 'saved as "jackpot".', "exploited by 'ghost' (...)")."""
        after = _PERSON_SLOT_AFTER.match(text, end)
        nxt = after.group(1).casefold() if after is not None and after.group(1) else None
        verb = nxt is not None and self._verb_after(nxt)
        if after is not None and (nxt is None or verb) and _PERSON_SLOT_BEFORE.search(
                text, 0, start):
            return True
        if verb:
            prev = _PREV_WORDS.search(text, 0, start)
            if prev is not None and prev.group(1).casefold() in self._speech_verbs:
                return True
        return (_SENTENCE_OR_BRACKET_AFTER.match(text, end) is not None
                and _PERSON_OBJECT_BEFORE.search(text, 0, start) is not None
                and all(self.vocab.zipf(f) < self.vocab.rules.quoted_nickname_zipf
                        for f in folded))

    def _verb_after(self, word: str) -> bool:
        """A lower-case word that reads as a verb after a person ("keeps", "were", "drives",
        "pushed")."""
        if (word in self._name_verbs or word in _PERSON_NEXT or word in _AUXILIARIES
                or (word.endswith("ed") and len(word) > 3)):
            return True
        if len(word) <= 3 or not word.endswith("s") or word.endswith(("ss", "us", "is")):
            return False
        stems = (word[:-1], word[:-2]) if word.endswith("es") else (word[:-1],)
        return any(self.vocab.ordinary(stem) for stem in stems)

    def _acronym_as_name(self, word: str) -> bool:
        """An acronym written as a name, not in capitals: 'Pip' in quotes is a nickname,
        PIP is a benefit."""
        return (len(word) > 1 and not word.isupper() and word[:1].isupper()
                and word.upper() in self._caps_words)

    def explains(self, word: str) -> bool:
        """A word the rules explain wherever it stands: a known word that is not a name, an
        acronym, a short form ("Snapchat", "CAMHS", "VEH")."""
        folded = word.casefold().replace("’", "'")
        if self._explained_word(word):
            return True
        return folded in self._known and not self.vocab.namey(folded)

    def thing_runs(self, text: str) -> list[tuple[int, int]]:
        """Capitalised runs that end in an organisation or place word ("Victoria Park",
        "Royal Victoria Infirmary"): a thing, not a person. Not when the last word is also a
        surname ("Derek Hall", "Amy Church"): that may be a person."""
        words, runs = self._words(text)
        groups: list[list[int]] = []
        for i in sorted(runs):
            if groups and groups[-1][-1] == i - 1:
                groups[-1].append(i)
            else:
                groups.append([i])
        return [(words[g[0]].start(), words[g[-1]].end()) for g in groups
                if not self.vocab.namey(words[g[-1]].group().casefold())]

    def phrase_spans(self, text: str) -> list[tuple[int, int]]:
        """Where the text names a known phrase ("Team Around the Family", "Ellesmere
        Port"): not a person."""
        if self._phrases is None:
            return []
        if self._phrase_memo is not None and self._phrase_memo[0] is text:
            return list(self._phrase_memo[1])  # asked by the redactor, then by `find`
        words, _ = self._words(text)
        spans = ([m.span() for m in self._phrases.finditer(text)]
                 if any(m.group().casefold() in self._phrase_starts for m in words) else [])
        self._phrase_memo = (text, spans)
        return list(spans)

    def _words(self, text: str) -> tuple[list[regex.Match[str]], dict[int, bool]]:
        """The words of a text and its capitalised runs, kept for the next call on the
        same text (the redactor asks for phrases, runs and suspects in turn)."""
        if self._memo is not None and self._memo[0] is text:
            return self._memo[1], self._memo[2]
        words = list(_WORD.finditer(text))
        runs = self._capital_runs(text, words)
        self._memo = (text, words, runs)
        return words, runs

    def _lower_note(self, words: list[regex.Match[str]]) -> bool:
        """`_lower_note` of the text whose words these are, worked out once per text."""
        memo = self._lower_memo
        if memo is not None and memo[0] is words:
            return memo[1]
        lower = _lower_note(words)
        self._lower_memo = (words, lower)
        return lower

    def _explained_word(self, word: str) -> bool:
        """An acronym as written ("PCSO", "RoSH"), or a short form ("veh", "VEH", "Susp"),
        which explains a capitalised word only when that is not also a name."""
        if word in self._acronyms:
            return True
        folded = word.casefold()
        if folded in self._abbreviations:
            return word.islower() or not (self.vocab.namey(folded)
                                          or folded in self._first_names)
        return False

    def _signs_off(self, text: str, words: list[regex.Match[str]], i: int) -> bool:
        """A name signing a note off: the first word of the last line when that line is one
        or two words ("dom", "Jo B"), or of any line that reads "Name, role" ("Mo, YJ
        prevention worker"), unless an ordinary closing ("Thanks", "Ends") or a role."""
        m = words[i]
        if not _line_start(text, m.start()):
            return False
        line_end = text.find("\n", m.end())
        line = text[m.start():line_end if line_end >= 0 else len(text)].rstrip()
        folded = m.group().casefold()
        if (folded in _CLOSERS or folded in STOP_WORDS or folded in self._explained
                or folded in self._roles or folded in self._abbreviations):
            return False
        head, comma, rest = line.partition(",")
        head_words = head.split()
        if comma:
            if len(head_words) > 2 or not rest.strip():
                return False
            rest_words = {w.strip(".()").casefold() for w in rest.split()}
            return bool(rest_words & self._roles) and (
                self.vocab.namey(folded) or self._diminutive(folded)
                or not self.vocab.ordinary(folded))
        last = (line_end < 0 or not text[line_end:].strip()
                or self._signature_lines(text[line_end:]))
        if not last or len(head_words) > 2 or any(c in line for c in ".!?:;()[]"):
            return False
        return (self.vocab.namey(folded) or self._diminutive(folded)
                or not (self.vocab.ordinary(folded) or self.vocab.dictionary_word(folded)))

    def _signature_lines(self, rest: str) -> bool:
        """The lines after a name are a signature's: one or two lines of roles, titles,
        acronyms and numbers only ("PC 2291", "YJ worker"; issue 11, heldout12 class)."""
        lines = [line for line in rest.split("\n") if line.strip()]
        if not 0 < len(lines) <= 2:
            return False
        for line in lines:
            tokens = _SIGNATURE_TOKEN.findall(line)
            if not tokens or not all(
                    t.isdigit() or t in self._acronyms or t.casefold() in self._roles
                    for t in tokens):
                return False
        return True

    # --- one word ----------------------------------------------------------------------------

    def _suspect(self, text: str, words: list[regex.Match[str]], i: int,
                 runs: dict[int, bool]) -> bool:
        m = words[i]
        word = m.group()
        folded = word.casefold().replace("’", "'")
        parts = [p for p in folded.split("-") if p]
        vocab = self.vocab
        if word.islower():
            if len(folded) < 2 or folded in self._explained:
                return False
            if (text[m.end():m.end() + 1] == ":" and _line_start(text, m.start())
                    and (vocab.namey(folded) or not vocab.ordinary(folded))
                    and folded not in self._explained):
                return True  # a speaker label: "mika: who are you?"
            if folded in self._abbreviations:
                return False
            if self._owned(text, words, i, folded):
                return True  # "jordans brother", "tjs mum", "at graces."
            if self._owns_kin(words, i, text, folded):
                return True  # "marlow's mum rang": a name, even a word

            if i > 0 and words[i - 1].group() in self._lower_titles and (
                    text[words[i - 1].end():m.start()] in (" ", ". ", "\t")):
                # "ms kettering rang", "mr oduya": a title in lower case, then the surname
                return folded not in STOP_WORDS and folded not in self._explained
            if (self._diminutive(folded) and vocab.zipf(folded) < vocab.rules.ordinary_zipf
                    and not vocab.ordinary(folded) and not vocab.dictionary_word(folded)
                    and folded not in STOP_WORDS and folded not in self._lower_abbreviations):
                return True  # a known short form of a name in lower case: "dre", "gav"
            if (len(folded) >= 3 and self._lower_note(words)
                    and vocab.zipf(folded) < vocab.rules.lower_note_oov_zipf
                    and not vocab.dictionary_word(folded)
                    and folded not in self._lower_abbreviations
                    and self._name_slot(text, words, i)):
                # a note all in lower case: a rare word where a name stands ("conor
                # (rafferty)", "with nicklin", "okafor rang") is likely a name
                return True
            if (i > 0 and words[i - 1].group().islower()
                    and words[i - 1].group().casefold() in self._roles
                    and text[words[i - 1].end():m.start()] in (" ", "\t", "\n", ": ")
                    and folded not in STOP_WORDS and folded not in self._explained
                    and folded not in self._roles and folded not in self._name_verbs
                    and (folded in self._first_names or (
                        vocab.zipf(folded) < vocab.rules.ordinary_zipf
                        and not vocab.dictionary_word(folded) and not vocab.ordinary(folded))
                         or self._surname_next(text, words, i))):
                return True  # "officer dilys hart", "sw tomos pengelly": a role, then a name
            if (i > 0 and words[i - 1].group().casefold() in self._relations and (
                    text[words[i - 1].end():m.start()] in (" ", "\t", "\n"))) or self._listed_after_relation(
                    text, words, i):
                # "her cousin tj", "his mate daz": after a relation, only common words pass
                return not (folded in STOP_WORDS or folded in self._explained
                            or folded in self._name_verbs  # "grandmother rang"
                            or (vocab.zipf(folded) >= 4.5 and not vocab.namey(folded)))
            # a first name in lower case, unless it is also an ordinary lower-case word
            # ("will", "grace", "sandy"): "jordan", "ellie-may", "kobi" are names
            if any(p in self._first_names and p not in self._lower_ordinary
                   and p not in STOP_WORDS and p not in self._explained for p in parts):
                return True
            if (len(parts) > 1 and any(p in self._first_names for p in parts)
                    and not vocab.ordinary(folded)
                    and not any(vocab.ordinary(p) or p in STOP_WORDS for p in parts)):
                return True  # two first names joined: "ruby-rose", "lily-mae", "tyler-james"
            if len(folded) == 2 and not has_vowel(folded):
                # "tj", "jb": initials in lower case, unless a known abbreviation ("gp", "st")
                return (folded not in self._lower_abbreviations
                        and folded not in self._explained)
            return (len(folded) >= 3 and vocab.zipf(folded) < vocab.rules.lower_oov_zipf
                    and any(vocab.zipf(p) < vocab.rules.lower_oov_zipf for p in parts)
                    and not vocab.dictionary_word(folded))
        if len(word) == 1:
            return False  # a lone capital letter: an initial is joined to a name below
        if word.isupper() and self._caps_after_person(text, m, folded):
            return True  # "Unknown male NUTMEG (driver)", "Driver BUDGIE (ab12 cde)"
        if word.isupper() and self._caps_after_naming(text, m, folded):
            return True  # "a male known only as SAUCEPAN", "called KETTLE"
        if (word[:1].isupper() and folded not in self._explained
                and self._caps_after_naming(text, m, folded)
                and _KNOWN_AS.search(text, max(0, m.start() - 30), m.start())):
            return True  # "a male known only as Skip" (issue 11, heldout15 class)
        if folded in self._explained:
            return False
        if word in self._role_titles and _CAP_NEXT.match(text, m.end()):
            return False  # a title before a name ("Pastor Everton Blake", "Rev S. Nkansah")
        if word.isupper():
            return self._caps_suspect(text, m, folded, parts)
        # Capitalised (or MixedCase)
        if runs.get(i):
            return False  # part of "Youth Offending Team", "Brackenford Academy"
        if self._saint(text, m.start()):
            return False
        if folded in self._places and not vocab.namey(folded) and not (
                i > 0 and words[i - 1].group().casefold() in self._person_before
                and text[words[i - 1].end():m.start()] in (" ", "\t")):
            return False  # a place, unless it names someone: "best friend Mali", "Mrs Kent"
        if (i > 0 and words[i - 1].group().casefold() in self._relations
                and text[words[i - 1].end():m.start()] in (" ", "\t")
                and folded not in STOP_WORDS and not runs.get(i + 1)):
            return True  # "brother-in-law Paddy", "her friend Faith": a name, word or not
        if folded not in STOP_WORDS and folded not in self._roles:
            rel = _IS_RELATION.match(text, m.end())
            if rel is not None and rel.group(1).casefold() in self._relations | {"mate", "pal"}:
                return True  # "Paddy is his best mate", "Storm was her friend"
            if (_FROM_PLACE.match(text, m.end()) and vocab.word_name(folded)
                    and not (i > 0 and words[i - 1].group().casefold() in _DETERMINERS)):
                return True  # "Hope from her form", "Storm from over the road"
        if all(vocab.ordinary(p) for p in parts):
            return False
        initial = _sentence_start(text, m.start())
        if not any(vocab.namey(p) for p in parts):
            if initial:
                # an ordinary word at the start of a sentence ("Arrears of", "Tenancy
                # visit"); an unknown one is a suspect, and so is a rare one the dictionary
                # knows when what follows is how a name goes on ("Kobi said", "Kobi,")
                if all(vocab.zipf(p) >= vocab.rules.ordinary_zipf for p in parts):
                    return False
                if not all(vocab.zipf(p) >= vocab.rules.ordinary_zipf
                           or vocab.dictionary_word(p) for p in parts):
                    return True
                return self._name_follows(text, words, i)
            return True
        # a first name or surname
        if not vocab.word_name(folded):
            return True
        prev = words[i - 1].group().casefold() if i > 0 else ""
        if not initial:
            # "the Green", "a Bridge" are things; "Smith", "Faith" mid-sentence are people
            between = text[words[i - 1].end():m.start()] if i > 0 else ""
            return not (prev in _DETERMINERS and between.strip() == "")
        return self._initial_word_name_suspect(text, words, i, folded)

    def _initial_word_name_suspect(self, text: str, words: list[regex.Match[str]], i: int,
                                   folded: str) -> bool:
        """A name that is also a word, at the start of a sentence: "Faith next door saw it"
        is a person, "Will you call" is not. A very common word ("Young", "Long", "May")
        needs a name-like next word; a less common one is a suspect unless the next word is
        an ordinary continuation ("Hope this helps", "Faith groups")."""
        m = words[i]
        after = text[m.end():m.end() + 3]
        if after[:1] in (":", ",") or after.startswith(("'s", "’s")):
            return True
        nxt = words[i + 1] if i + 1 < len(words) else None
        if nxt is None or "\n" in text[m.end():nxt.start()] or any(
                c in ".!?" for c in text[m.end():nxt.start()]):
            return True  # alone: a name, a sign-off, a speaker
        n = nxt.group().casefold()
        name_next = (n in self._name_verbs or n.endswith("ed")
                     or (nxt.group()[:1].isupper() and not self.vocab.ordinary(n)))
        if self.vocab.zipf(folded) >= 5.0:
            return name_next
        return name_next or n not in self._ordinary_next

    def _name_follows(self, text: str, words: list[regex.Match[str]], i: int) -> bool:
        """What follows the word is how a person's name goes on: a verb of saying or doing
        ("said", "attended", any "-ed"), a possessive, a colon or comma, a bracket, or a
        capitalised word that is not ordinary (a surname)."""
        m = words[i]
        after = text[m.end():m.end() + 3]
        if after[:1] in (":", ",", "(") or after.startswith(("'s", "’s", " (")):
            return True
        nxt = words[i + 1] if i + 1 < len(words) else None
        if nxt is None or "\n" in text[m.end():nxt.start()] or any(
                c in ".!?" for c in text[m.end():nxt.start()]):
            return False  # a heading or a one-word sentence ("Remorseful.")
        n = nxt.group().casefold()
        return (n in self._name_verbs or (n.endswith("ed") and len(n) > 3)
                or (nxt.group()[:1].isupper() and not self.vocab.ordinary(n)
                    and n not in self._explained))

    def _caps_suspect(self, text: str, m: regex.Match[str], folded: str,
                      parts: list[str]) -> bool:
        word = m.group()
        if word in self._acronyms or word.rstrip("S") in self._acronyms:
            return False
        if not has_vowel(word):
            # PSR, CPS, DVPN: an abbreviation; two capitals alone are as often initials
            # ("TJ said"), but before a name they are a role ("RK Delroy BAPTISTE")
            return len(word) == 2 and not _CAP_NEXT.match(text, m.end())
        vocab = self.vocab
        if folded in STOP_WORDS and folded not in self._word_names:
            return False  # "TOOK CHILD IN", "LEFT AT 0200"
        if any(vocab.namey(p) for p in parts):
            return True
        if _POLICE_SURNAME_AFTER.match(text, m.end()) and not _CAPS_AFTER.match(text, m.end()):
            # police style, even when the surname is a word: "SALT, Kieron (26)", "REED
            # PNC ID ...", "FROST CRO 01234/09X" (issue 11, heldout7 class)
            return True
        return not all(vocab.ordinary(p) or vocab.dictionary_word(p) for p in parts)

    def _caps_after_person(self, text: str, m: regex.Match[str], folded: str) -> bool:
        """A word in capitals, alone, straight after a word for a person written in small
        letters ("Unknown male NUTMEG (driver)", "Driver BUDGIE"): a name, even when it is
        an ordinary word or a term; not an acronym, a role, a stop word or a verb ("Driver
        FAILED to stop"; issue 11, heldout12 class)."""
        word = m.group()
        if (len(word) < 3 or word in self._acronyms or not has_vowel(word)
                or folded in STOP_WORDS or folded in self._roles
                or folded.endswith(("ed", "ing")) or _CAPS_NEXT.match(text, m.end())):
            return False
        noun = _PERSON_NOUN_BEFORE.search(text, max(0, m.start() - 20), m.start())
        return noun is not None and not noun.group(1).isupper()

    def _caps_after_naming(self, text: str, m: regex.Match[str], folded: str) -> bool:
        """A word in capitals straight after a naming phrase ("known only as SAUCEPAN",
        "nicknamed KETTLE"): a name, even when it is an ordinary word; not an acronym, a stop
        word or a role (issue 11, heldout13 class)."""
        word = m.group()
        if (self._naming_before is None or len(word) < 3 or word in self._acronyms
                or not has_vowel(word) or folded in STOP_WORDS or folded in self._roles):
            return False
        return self._naming_before.search(text, max(0, m.start() - 30), m.start()) is not None

    def _owned(self, text: str, words: list[regex.Match[str]], i: int, folded: str) -> bool:
        """A lower-case possessive without its apostrophe: "jordans brother", "tjs mum",
        "staying at graces." The word less its "s" is a first name or two initials."""
        if len(folded) < 3 or not folded.endswith("s"):
            return False
        stem = folded[:-1]
        if not (stem in self._first_names or (len(stem) == 2 and not has_vowel(stem)
                                              and stem not in self._lower_abbreviations)):
            return False
        if stem in STOP_WORDS or self.vocab.ordinary(folded) or stem in self._explained:
            return False
        m = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else None
        if nxt is not None and text[m.end():nxt.start()] in (" ", "\t"):
            return nxt.group().casefold() in _OWNED
        prev = words[i - 1].group().casefold() if i > 0 else ""
        return (prev in ("at", "to", "from", "round") and text[m.end():m.end() + 1] in ".,;!?\n"
                and text[words[i - 1].end():m.start()] in (" ", "\t"))

    def _surname_next(self, text: str, words: list[regex.Match[str]], i: int) -> bool:
        """The next word, on the same line, is a surname: a lower-case word the dictionary
        does not know, rarer than ordinary ("staff clemency okafor-hale": a first name that
        is a word, then the surname; issue 11, heldout12 class)."""
        if i + 1 >= len(words) or text[words[i].end():words[i + 1].start()] != " ":
            return False
        nxt = words[i + 1].group()
        f = nxt.casefold()
        vocab = self.vocab
        return (nxt.islower() and len(f) >= 3 and f not in STOP_WORDS
                and f not in self._explained and f not in self._roles
                and (vocab.namey(f) or (
                    vocab.zipf(f) < vocab.rules.ordinary_zipf and not vocab.ordinary(f)
                    and not all(vocab.dictionary_word(p) for p in f.split("-") if p)))
                and vocab.zipf(words[i].group().casefold()) < vocab.rules.quoted_nickname_zipf)

    def _owns_kin(self, words: list[regex.Match[str]], i: int, text: str, folded: str) -> bool:
        """A lower-case word with its possessive before a relative ("marlow's mum", "heath's
        dad"), not after a determiner or an owner ("the dog's mum", "his friend's mum") and
        not a relation or role itself (issue 11, heldout12 class)."""
        kin = _POSSESSIVE_KIN.match(text, words[i].end())
        if kin is None or kin.group(1) not in _KIN_OWNED or len(folded) < 3:
            return False
        if (folded in STOP_WORDS or folded in self._roles or folded in self._relations
                or folded in self._explained):
            return False
        prev = words[i - 1].group().casefold() if i > 0 else ""
        return not (prev in _DETERMINERS or prev in _OWNERS) or "\n" in text[
            words[i - 1].end():words[i].start()]

    def _saint(self, text: str, start: int) -> bool:
        before = text[max(0, start - 7):start]
        return bool(_SAINT_BEFORE.search(before))

    def _capital_runs(self, text: str, words: list[regex.Match[str]]) -> dict[int, bool]:
        """Word indices inside a capitalised run that ends in an organisation or service
        word ("Youth Offending Team", "Hollybank Primary"): the run is a thing, not a person."""
        out: dict[int, bool] = {}
        run: list[int] = []

        def close() -> None:
            if len(run) >= 2 and words[run[-1]].group().casefold() in self._org_last:
                for j in run:
                    out[j] = True
            run.clear()

        for i, m in enumerate(words):
            w = m.group()
            joined = run and _RUN_GAP.fullmatch(text, words[run[-1]].end(), m.start())
            if w[:1].isupper() or (run and w.casefold() in ("of", "for", "the", "and")):
                if run and not joined:
                    close()
                run.append(i)
            else:
                close()
        close()
        return out

    # --- widening names --------------------------------------------------------------------

    def widen(self, text: str, start: int, end: int, taken: list[tuple[int, int]],
              keep: KeepList, known: frozenset[str]) -> tuple[int, int]:
        """A name found in part takes the rest of it: a middle initial and the surname after
        it ("Ryan P Costa", "Brad L. Key"), a particle ("Willemine ten Pas"), a surname the
        engine could not explain ("Elle Sandström" from "Elle"), a lower-case surname after a
        lower-case name ("patricia desrosiers"), and a first name just before ("Sari J.
        Paavolainen", "Sofia Lima")."""
        kept = keep.tokens()

        def free(s: int, e: int) -> bool:
            return not any(a < e and s < b for a, b in taken if (a, b) != (start, end))

        def unexplained(word: str, lower_ok: bool) -> bool:
            f = word.casefold()
            if f in kept or f in known or f in self._explained or keep.keeps((f,)):
                return False
            if word.isupper() and word in self._acronyms:
                return False  # "STOTT PNC ID": the label after the surname stays
            if word.islower():
                return lower_ok and f not in STOP_WORDS and (
                    self.vocab.namey(f) or self.vocab.zipf(f) < self.vocab.rules.ordinary_zipf)
            return self.vocab.namey(f) or not self.vocab.ordinary(f)

        lower_name = text[start:end].islower()
        # a name found in part inside a short quoted nickname takes the rest of the quote
        # ('"Brick Top"' from "Brick", "BRICK TOP"; issue 11, heldout10 class)
        rest = _QUOTE_REST.match(text, end)
        if (rest is not None and text[max(0, start - 1):start] in _OPEN_QUOTES
                and free(rest.start(1), rest.end(1)) and all(
                    w[:1].isupper() and (w.isupper() == text[start:end].isupper())
                    for w in rest.group(1).split())):
            # written like the name, every word capitalised or all in capitals: not speech
            # quoted after a name ('"Jack did it"', '"Crystal from upstairs"')
            end = rest.end(1)
        for _ in range(3):
            m = _NEXT.match(text, end)
            if m is None or not free(m.start(1), m.end(1)):
                break
            word = m.group(1).rstrip(".")
            f = word.casefold()
            if len(word) == 1 or f in self._particles:
                # an initial or a particle joins only with the name after it
                last = m
                m2 = _NEXT.match(text, m.end())
                while (f in self._particles and m2 is not None
                       and m2.group(1).casefold() in self._particles
                       and free(m2.start(1), m2.end(1))):
                    # particles one after another: "Lucía de la Fuente-Arancibia"
                    last, m2 = m2, _NEXT.match(text, m2.end())
                if m2 is None or (len(word) == 1 and not word.isalpha()):
                    break
                if not free(m2.start(1), m2.end(1)):
                    # another name follows: "Juliusz A [Kwiatkowski]" becomes one name
                    end = last.end(1)
                    break
                after = m2.group(1).rstrip(".")
                if not (after[:1].isupper() or (lower_name and after.islower())):
                    break
                fa = after.casefold()
                if (fa in kept or fa in known or fa in self._explained or keep.keeps((fa,))
                        or fa in STOP_WORDS):
                    break  # not "kofi b and" (issue 11, heldout16 class)
                end = m2.start(1) + len(after)
                continue
            if word[:1].isupper() != (not lower_name) and not word[:1].isupper():
                break
            if not unexplained(word, lower_name):
                break
            end = m.start(1) + len(word)
        initial = _SURNAME_INITIAL.match(text, end)
        if (initial is not None and " " not in text[start:end] and text[start:end][:1].isupper()
                and free(initial.start(1), initial.end(1))):
            end = initial.end(1)  # "Connor V (Yr 6)": the initial of his surname
        before = _PREV.search(text, max(0, start - 60), start)
        if before is not None and free(before.start(1), before.end(1)):
            word = before.group(1)
            f = word.casefold()
            if f in self._roles or self._explained_word(word):
                pass  # a title or a role before a name ("Pastor Everton Blake")
            elif (word[:1].isupper() and not word.isupper() and f in self.vocab.first_names
                    and unexplained(word, False) and f not in self._word_names):
                start = before.start(1)
            elif (word[:1].isupper() and not word.isupper() and len(word) > 1
                    and f not in kept and f not in known and f not in self._explained
                    and f not in STOP_WORDS and not keep.keeps((f,))
                    and (self.vocab.namey(f) or (not _sentence_start(text, before.start(1))
                                                 and not self.vocab.ordinary(f)))):
                # a capitalised word mid-sentence just before a name is part of it ("by
                # Elle Sandström"), unless a title, a role or another explained word
                start = before.start(1)
        # a particle just before the surname is part of it, written in lower case or, before
        # a surname in capitals, in capitals too: "BIN SALEM, Khalid", "DE SOUZA", "ap
        # Hywel" (issue 11, heldout10 class)
        for _ in range(2):
            first = text[start:end].split(maxsplit=1)[0] if text[start:end].strip() else ""
            before = _PREV.search(text, max(0, start - 20), start)
            if (before is None or not first[:1].isupper()
                    or not free(before.start(1), before.end(1))):
                break
            word = before.group(1)
            if word.casefold() not in self._particles or not (
                    word.islower() or (word.isupper() and first.isupper())):
                break
            start = before.start(1)
        # the rest of a hyphenated name: "Tyler-[James]'s", "[Mbeki]-Shaw"
        left = _HYPHEN_LEFT.search(text, max(0, start - 40), start)
        if left is not None and free(left.start(), start) and self._hyphen_part(
                left.group(1), text[start:end], kept, known, keep):
            start = left.start()
        right = _HYPHEN_RIGHT.match(text, end)
        if right is not None and free(end, right.end()) and self._hyphen_part(
                right.group(1), text[start:end], kept, known, keep):
            end = right.end()
        return start, end

    def _hyphen_part(self, part: str, name: str, kept: frozenset[str], known: frozenset[str],
                     keep: KeepList) -> bool:
        """The other part of a hyphenated name is written like the name (both capitalised
        or both lower case) and is not a kept, role or explained word ("ex-", "Anti-")."""
        f = part.casefold()
        if part[:1].isupper() != name[:1].isupper() or len(part) < 2:
            return False
        return not (f in kept or f in known or f in self._explained or keep.keeps((f,))
                    or f in STOP_WORDS or self._explained_word(part))

    # --- joining suspects into names ---------------------------------------------------------

    def _join(self, text: str, spans: list[tuple[int, int]],
              taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Suspects next to each other are one name ("Tünde Hoffmann"); an initial before
        or between them joins ("H. Snider"), and so do name particles ("van der Berg")."""
        out: list[tuple[int, int]] = []
        for s, e in spans:
            # an initial just before: "H. Snider", "J Smith"
            before = _INITIAL_BEFORE.search(text[max(0, s - 4):s])
            if before is not None:
                start = s - (len(text[max(0, s - 4):s]) - before.start())
                if not any(a < s and start < b for a, b in taken):
                    s = start
            if out:
                ps, pe = out[-1]
                gap = text[pe:s]
                words = gap.split()
                if (_SPACES.fullmatch(gap)
                        or (_GAP_WORDS.fullmatch(gap)
                            and all(w.casefold() in self._particles for w in words))):
                    out[-1] = (ps, e)
                    continue
            out.append((s, e))
        return out


def is_handle(text: str) -> bool:
    """An online account name without an @ ("NightOwl_42", "tmz.rico")."""
    return _HANDLE.fullmatch(text) is not None


def _nickname_caps(words: list[str], folded: list[str]) -> bool:
    """Every word capitalised and none a stop word: a street name in quotes ('Lil Ace',
    'Big Dread'), not quoted speech ('Get Out', 'Killed My')."""
    return (all(w[:1].isupper() for w in words)
            and not any(f in STOP_WORDS for f in folded))


def _fold_all(words: Iterable[str]) -> frozenset[str]:
    return frozenset(w.casefold().replace("’", "'") for w in words)


def _lower_note(words: list[regex.Match[str]]) -> bool:
    """A note written (almost) without capitals: under 3% of its words capitalised."""
    if len(words) < 8:
        return False
    return sum(w.group()[:1].isupper() for w in words) < 0.03 * len(words)


def _line_start(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] == "\n"


def _sentence_start(text: str, start: int) -> bool:
    """Whether the word at `start` opens a sentence, a line or a list item."""
    i = start - 1
    while i >= 0 and text[i] in _OPENERS:
        i -= 1
    if i < 0:
        return True
    c = text[i]
    if c in _SENTENCE_END:
        if c == ".":
            # "Mr. Smith", "J. Smith": an abbreviation, not a sentence end
            j = i - 1
            while j >= 0 and text[j].isalpha():
                j -= 1
            prev = text[j + 1:i]
            if len(prev) <= 3 and prev[:1].isupper():
                return False
        return True
    if c.isdigit():
        return False
    return c == ")" and i > 0 and text[i - 1].isdigit()  # "1) Jo said"
