#!/usr/bin/env python3
"""Random VTL templates for differential testing against Velocity 1.7.

usage: generate.py OUT_DIR SEED   (N=how many, WEIRD=0 for realistic text only)
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
N = int(os.environ.get("N", "500"))
for k in range(N):
    t = block(0, R.randint(2, 10))
    name = f"r{seed}_{k:04d}"
    open(os.path.join(OUT, name + ".vtl"), "w", newline="").write(t)
    json.dump(CTX, open(os.path.join(OUT, name + ".json"), "w"))
