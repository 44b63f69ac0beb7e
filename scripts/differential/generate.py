#!/usr/bin/env python3
"""Random VTL templates for differential testing against Velocity 1.7.

usage: generate.py OUT_DIR SEED   (N=how many, WEIRD=0 for realistic text only,
KIND=methods for random Java method chains on strings, numbers and collections)
Writes OUT_DIR/rSEED_NNNN.vtl with a shared JSON context. See scripts/differential/run.
"""
import random, json, os, sys
seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
R = random.Random(seed)
OUT = sys.argv[1]
os.makedirs(OUT, exist_ok=True)
CTX = {"s": "hello", "n": 5, "d": 2.5, "t": True, "f": False, "nul": None, "e": "", "l": [1, 2, 3], "sl": ["a", "b"],
       "m": {"a": 1, "b": "two", "c": [1, 2], "d": {"x": "y"}}, "em": {}, "ctx": {"args": {"id": "a1", "n": 3}, "stash": {}}}
VARS = ["$s", "$n", "$d", "$t", "$f", "$nul", "$e", "$l", "$sl", "$m", "$em", "$u", "$x", "$y", "$i", "$ctx.args.id", "$m.a", "$m.d.x", "$l[0]", "$m['b']", "$sl.get(1)", "$s.length()", "$m.c", "$ctx.args"]
def ref():
    v = R.choice(VARS)
    form = R.random()
    if form < 0.15: v = "$!" + v[1:]
    elif form < 0.25: v = "${" + v[1:] + "}"
    elif form < 0.3: v = "$!{" + v[1:] + "}"
    elif form < 0.33: v = "\\" + v
    return v
def lit():
    return R.choice(["1", "0", "-2", "2.5", "'q'", "\"w$s\"", "\"\"", "true", "false", "[1, 2]", "[]", "{'k': 1}", "[1..3]", "\"a#if(true)b#end\"", "'x''y'", "3000000000"])
def operand():
    return ref() if R.random() < 0.6 else lit()
def expr(depth=0):
    r = R.random()
    if depth > 2 or r < 0.4: return operand()
    if r < 0.5: return "!" + operand()
    if r < 0.6: return "(" + expr(depth + 1) + ")"
    op = R.choice(["+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "&&", "||", "and", "or", "eq", "ne", "lt", "gt"])
    return expr(depth + 1) + " " + op + " " + expr(depth + 1)
def ws():
    return R.choice(["", "", "", " ", "  ", "\n", "\t", " \n", "\n  ", "\r\n", "\n\n", "  \t "])
def text():
    if os.environ.get("WEIRD", "1") == "0":
        return R.choice(["a", "text", "{\"k\": ", "}", ",", " x ", "(", ")", ".", "[", "]", "json", "@", "!", "'", "\"", "1", "# ", "$ "])
    return R.choice(["a", "text", "{\"k\": ", "}", ",", " x ", "#", "$", "\\", "(", ")", ".", "[", "]", "json", "@", "!", "'", "\"", "1", "#1", "$1", "#(", "$ "])
def block(depth=0, n=None):
    parts = []
    for _ in range(n or R.randint(1, 6)):
        r = R.random()
        if r < 0.25: parts.append(text())
        elif r < 0.45: parts.append(ref())
        elif r < 0.55: parts.append(ws())
        elif r < 0.65: parts.append(ws() + "#set(" + R.choice(["$x", "$y", "$i", "$m.z", "$l[0]", "$ctx.stash.k"]) + " = " + expr() + ")" + ws())
        elif r < 0.75 and depth < 3:
            s = ws() + "#if(" + expr() + ")" + ws() + block(depth + 1)
            if R.random() < 0.3: s += "#elseif(" + expr() + ")" + ws() + block(depth + 1)
            if R.random() < 0.4: s += R.choice(["#else", "#{else}"]) + ws() + block(depth + 1)
            s += R.choice(["#end", "#{end}"]) + ws()
            parts.append(s)
        elif r < 0.83 and depth < 3:
            it = R.choice(["$l", "$sl", "$m", "[1..3]", "$nul", "$s", "$m.keySet()", "[]"])
            parts.append(ws() + "#foreach($i in " + it + ")" + ws() + block(depth + 1) + R.choice(["$foreach.count", "$velocityCount", "$foreach.hasNext", "", "#if($foreach.hasNext),#end"]) + "#end" + ws())
        elif r < 0.86: parts.append(R.choice(["## c\n", "## c", "#* c *#", "#** d *#", "#[[ $raw ]]#"]))
        elif r < 0.89: parts.append(R.choice(["#break", "#stop", "\\#if", "\\#end", "\\\\", "#foo", "#foo(1)"]))
        elif r < 0.93: parts.append(ref() + "." + R.choice(["toUpperCase()", "size()", "get(0)", "put('q', 1)", "add(9)", "substring(1)", "isEmpty()", "keySet()", "class.simpleName", "empty"]))
        else: parts.append(ws())
    return "".join(parts)

# KIND=methods: random chains of Java methods on strings, numbers and collections (what Velocity
# reaches by reflection), each template a few lines of chains used as a reference, in #set, #if
# or #foreach. Each method is typed by what it returns, so a chain goes on from the right class;
# arrays and iterators (which render with an identity hash) always end in size(), get(), [i],
# hasNext() or next().
MCTX = {"s": "hello", "e": "a\U0001F600b", "u": "\u00c9t\u00e9 \u00df \u0130x", "ws": "  a b\t", "csv": "a,b,,c,,", "num": "42",
        "fnum": "-3.5", "n": 5, "neg": -7, "z": 0, "long": 3000000000, "big": 123456789012345678901234567890, "d": 2.5,
        "nd": -0.5, "t": True, "f": False, "l": [1, 2, 3], "sl": ["b", "a", "c"], "ml": [1, "a", 2.5, None, True],
        "m": {"a": 1, "b": "two", "c": [1, 2]}, "em": {}, "el": [], "nul": None}
RECEIVERS = {"Str": ["$s", "$e", "$u", "$ws", "$csv", "$num", "$fnum", "$m.b"], "Int": ["$n", "$neg", "$z", "$l[0]"], "Long": ["$long"],
             "Big": ["$big"], "Dbl": ["$d", "$nd"], "Bool": ["$t", "$f"], "List": ["$l", "$sl", "$ml", "$el", "$m.c"], "Map": ["$m", "$em"]}
ARGS = {
    "I": ["-1", "0", "1", "2", "3", "4", "7", "10", "$n", "$z"],
    "Ismall": ["0", "1", "2", "3"],
    "Radix": ["2", "8", "16", "36"],
    "Code": ["108", "111", "98", "128512", "55357"],
    "S": ["'l'", "'o'", "''", "'L'", "','", "'\u00e9'", "'hello'", "'a'", "'\U0001F600'", "' '", "$s", "'b'"],
    "NS": ["'42'", "'-7'", "'abc'", "'3.5'", "''", "'+5'", "'0x1F'", "'1e3'", "'TRUE'"],
    "R": ["'[aeiou]'", "'.'", "'\\s+'", "'(l+)'", "'^h'", "'o$'", "''", "'\\d'", "'x*'", "'(?i)L'", "','", "'\\b'", "'(?m)$'", "'\\W'", "'[^a-z]'", "'(.)\\1'"],
    "P": ["'-'", "'$1'", "'<$0>'", "'\\$'", "''", "'$0$0'"],
    "F": ["'%s'", "'%5s|'", "'%-5s|'", "'%.2f'", "'%d'", "'%x'", "'%b'", "'%08.3f'", "'%,d'", "'%S'", "'%.1s'", "'%e'", "'%o'", "'%c'", "'%10.4f'", "'%+d'", "'%h'"],
    "D": ["2.5", "0.1", "-1.5", "$d", "0.0", "1.005"],
    "B": ["true", "false", "$t"],
    "L": ["[1, 2]", "['a', 'b']", "$l", "$sl", "[]", "['hello']", "[1.0]"],
    "X": ["'a'", "1", "2.5", "true", "$nul", "[1, 2]", "$s", "$n", "'hello'", "'1'", "$long", "{}", "'two'"],
    "K": ["'a'", "'b'", "'c'", "'zz'", "''", "$s"],
}
M = {
    "Str": [("length", "", "Int"), ("isEmpty", "", "Bool"), ("isBlank", "", "Bool"), ("trim", "", "Str"), ("strip", "", "Str"),
            ("toUpperCase", "", "Str"), ("toLowerCase", "", "Str"), ("charAt", "I", "Chr"), ("codePointAt", "I", "Int"),
            ("substring", "I", "Str"), ("substring", "I I", "Str"), ("indexOf", "S", "Int"), ("indexOf", "S I", "Int"),
            ("lastIndexOf", "S", "Int"), ("indexOf", "Code", "Int"), ("contains", "S", "Bool"), ("startsWith", "S", "Bool"),
            ("endsWith", "S", "Bool"), ("replace", "S S", "Str"), ("replaceAll", "R P", "Str"), ("replaceFirst", "R P", "Str"),
            ("split", "R", "Arr"), ("split", "R I", "Arr"), ("matches", "R", "Bool"), ("concat", "S", "Str"), ("repeat", "Ismall", "Str"),
            ("equals", "X", "Bool"), ("equalsIgnoreCase", "S", "Bool"), ("compareTo", "S", "Int"), ("compareToIgnoreCase", "S", "Int"),
            ("hashCode", "", "Int"), ("toCharArray", "", "Arr"), ("getBytes", "", "Arr"), ("codePointCount", "I I", "Int"),
            ("subSequence", "I I", "Str"), ("format", "F X", "Str"), ("valueOf", "X", "Str"), ("join", "S L", "Str"),
            ("stripLeading", "", "Str"), ("stripTrailing", "", "Str"), ("regionMatches", "I S I I", "Bool"), ("contentEquals", "S", "Bool"),
            ("chars().count", "", "Long"), ("lines().count", "", "Long"), ("class.simpleName", None, "Str")],
    "Int": [("toString", "", "Str"), ("intValue", "", "Int"), ("longValue", "", "Long"), ("doubleValue", "", "Dbl"),
            ("compareTo", "I", "Int"), ("equals", "X", "Bool"), ("hashCode", "", "Int"), ("toBinaryString", "I", "Str"),
            ("toHexString", "I", "Str"), ("parseInt", "NS", "Int"), ("valueOf", "NS", "Int"), ("max", "I I", "Int"), ("min", "I I", "Int"),
            ("signum", "I", "Int"), ("bitCount", "I", "Int"), ("byteValue", "", "Int"), ("floatValue", "", "Dbl"), ("compare", "I I", "Int"),
            ("sum", "I I", "Int"), ("toString", "I Radix", "Str"), ("shortValue", "", "Int"), ("class.simpleName", None, "Str")],
    "Long": [("toString", "", "Str"), ("intValue", "", "Int"), ("longValue", "", "Long"), ("doubleValue", "", "Dbl"), ("hashCode", "", "Int"),
             ("equals", "X", "Bool"), ("toBinaryString", "I", "Str"), ("parseLong", "NS", "Long"), ("valueOf", "NS", "Long"),
             ("max", "I I", "Long"), ("signum", "I", "Int"), ("toHexString", "I", "Str"), ("class.simpleName", None, "Str")],
    "Big": [("toString", "Radix", "Str"), ("negate", "", "Big"), ("signum", "", "Int"), ("bitLength", "", "Int"), ("longValue", "", "Long"),
            ("intValue", "", "Int"), ("doubleValue", "", "Dbl"), ("pow", "Ismall", "Big"), ("abs", "", "Big"), ("add", "$big", "Big"),
            ("toString", "", "Str"), ("class.simpleName", None, "Str")],
    "Dbl": [("isNaN", "", "Bool"), ("isInfinite", "", "Bool"), ("intValue", "", "Int"), ("longValue", "", "Long"), ("toString", "", "Str"),
            ("compareTo", "D", "Int"), ("equals", "X", "Bool"), ("hashCode", "", "Int"), ("floatValue", "", "Dbl"), ("valueOf", "NS", "Dbl"),
            ("parseDouble", "NS", "Dbl"), ("max", "D D", "Dbl"), ("sum", "D D", "Dbl"), ("compare", "D D", "Int"), ("doubleValue", "", "Dbl"),
            ("class.simpleName", None, "Str")],
    "Bool": [("booleanValue", "", "Bool"), ("toString", "", "Str"), ("equals", "X", "Bool"), ("compareTo", "B", "Int"), ("hashCode", "", "Int"),
             ("parseBoolean", "S", "Bool"), ("valueOf", "S", "Bool"), ("logicalAnd", "B B", "Bool"), ("logicalXor", "B B", "Bool")],
    "Chr": [("toString", "", "Str"), ("charValue", "", "Chr"), ("hashCode", "", "Int"), ("equals", "X", "Bool"), ("class.simpleName", None, "Str")],
    "List": [("size", "", "Int"), ("get", "I", "Obj"), ("isEmpty", "", "Bool"), ("contains", "X", "Bool"), ("indexOf", "X", "Int"),
             ("lastIndexOf", "X", "Int"), ("subList", "I I", "List"), ("add", "X", "Bool"), ("add", "I X", "Obj"), ("set", "I X", "Obj"),
             ("remove", "I", "Obj"), ("remove", "S", "Bool"), ("addAll", "L", "Bool"), ("removeAll", "L", "Bool"), ("retainAll", "L", "Bool"),
             ("containsAll", "L", "Bool"), ("hashCode", "", "Int"), ("equals", "X", "Bool"), ("clone", "", "List"), ("iterator", "", "Iter"),
             ("toArray", "", "Arr"), ("clear", "", "Obj"), ("sort", "$nul", "Obj"), ("class.simpleName", None, "Str"), ("toString", "", "Str")],
    "Map": [("get", "K", "Obj"), ("containsKey", "K", "Bool"), ("containsValue", "X", "Bool"), ("keySet", "", "Set"), ("values", "", "Set"),
            ("entrySet", "", "Set"), ("size", "", "Int"), ("isEmpty", "", "Bool"), ("put", "K X", "Obj"), ("remove", "K", "Obj"),
            ("remove", "K X", "Bool"), ("getOrDefault", "K X", "Obj"), ("putIfAbsent", "K X", "Obj"), ("replace", "K X", "Obj"),
            ("clone", "", "Map"), ("hashCode", "", "Int"), ("equals", "X", "Bool"), ("class.simpleName", None, "Str")],
    "Set": [("size", "", "Int"), ("contains", "X", "Bool"), ("isEmpty", "", "Bool"), ("remove", "X", "Bool"), ("iterator", "", "Iter"),
            ("toArray", "", "Arr"), ("hashCode", "", "Int"), ("retainAll", "L", "Bool"), ("removeAll", "L", "Bool"), ("toString", "", "Str"),
            ("class.simpleName", None, "Str")],
    "Arr": [("size", "", "Int"), ("get", "I", "Obj"), ("isEmpty", "", "Bool"), ("[]", "I", "Obj"), ("contains", "X", "Bool"),
            ("class.simpleName", None, "Str")],
    "Iter": [("hasNext", "", "Bool"), ("next", "", "Obj")],
    "Obj": [("toString", "", "Str"), ("hashCode", "", "Int"), ("class.simpleName", None, "Str"), ("equals", "X", "Bool")],
}
UNSTABLE = {"Arr", "Iter"}  # render with an identity hash: never the last link
ITERABLE = {"List", "Map", "Set", "Arr", "Iter"}

def call(kind):
    name, args, ret = R.choice(M[kind])
    if args is None:
        return "." + name, ret
    if name == "[]":
        return "[" + R.choice(["0", "1", "2", "-1", "$z"]) + "]", ret
    vals = [a if a.startswith("$") else R.choice(ARGS[a]) for a in args.split()]
    return "." + name + "(" + ", ".join(vals) + ")", ret

def chain():
    kind = R.choice(list(RECEIVERS))
    text = R.choice(RECEIVERS[kind])[1:]
    for _ in range(R.randint(1, 4)):
        link, kind = call(kind)
        text += link
    while kind in UNSTABLE:
        link, kind = call(kind)
        text += link
    return text, kind

def method_line():
    text, kind = chain()
    r = R.random()
    if r < 0.45: return "$" + text
    if r < 0.55: return "$!" + text
    if r < 0.62: return "${" + text + "}"
    if r < 0.77: return "#set($r = $" + text + ")$r"
    if r < 0.87: return "#if($" + text + ")T#{else}F#end"
    if kind in ITERABLE: return "#foreach($x in $" + text + ")[$x]#end"
    return "#set($r = \"[$" + text + "]\")$r"

N = int(os.environ.get("N", "500"))
for k in range(N):
    if os.environ.get("KIND", "mixed") == "methods":
        t = "".join(f"{i} {method_line()}\n" for i in range(R.randint(1, 3)))
        ctx = MCTX
    else:
        t = block(0, R.randint(2, 10))
        ctx = CTX
    name = f"r{seed}_{k:04d}"
    open(os.path.join(OUT, name + ".vtl"), "w", newline="").write(t)
    json.dump(ctx, open(os.path.join(OUT, name + ".json"), "w"))
