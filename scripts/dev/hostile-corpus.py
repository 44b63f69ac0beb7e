#!/usr/bin/env python3
"""Regenerates fixtures/hostile (run from anywhere; writes into the repository)."""
import json, os, shutil
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'fixtures', 'hostile')
if os.path.exists(root): shutil.rmtree(root)
os.makedirs(root)
cases = []
def case(name, template, expected_error=None, expected_out=None, profile=None, ctx=None, cli_exit=None, cli_message=None, notes=''):
    d = os.path.join(root, name); os.makedirs(d)
    open(os.path.join(d, 'template.vtl'), 'w', newline='').write(template)
    if ctx is not None:
        json.dump(ctx, open(os.path.join(d, 'context.json'), 'w'))
    meta = {}
    if profile: meta['profile'] = profile
    if expected_error is not None:
        meta['match'] = 'error'; meta['expected_error'] = {"message": expected_error}
    if expected_out is not None:
        open(os.path.join(d, 'expected.out'), 'w', newline='').write(expected_out)
    meta['x_cli_exit'] = cli_exit if cli_exit is not None else (0 if expected_error is None else 4)
    if cli_message: meta['x_cli_message'] = cli_message
    if notes: meta['notes'] = notes
    json.dump(meta, open(os.path.join(d, 'case.json'), 'w'), indent=2)

N = 100_000
case('nesting-parens-100k', '#set($a = ' + '(' * N + '1' + ')' * N + ')$a',
     expected_error='nesting depth limit exceeded (limit is 128)', profile='velocity', cli_exit=3,
     cli_message='nesting depth limit exceeded', notes='Refused by the pre-pass before pest could overflow its stack.')
case('nesting-directives-100k', '#if(true)' * N + 'x',
     expected_error='nesting depth limit exceeded (limit is 128)', profile='velocity', cli_exit=3, cli_message='nesting depth limit exceeded')
case('nesting-brackets-text-100k', '[' * N,
     expected_error='nesting depth limit exceeded (limit is 128)', profile='velocity', cli_exit=3, cli_message='nesting depth limit exceeded',
     notes='The pre-pass counts brackets in plain text too (an over-approximation no real template reaches).')
case('template-over-64k', 'x' * (64 * 1024 + 1),
     expected_error='template size (bytes) limit exceeded (limit is 65536)', cli_exit=3, cli_message='template size (bytes) limit exceeded',
     notes='AppSync rejects mapping templates over 64 KB.')
case('huge-literal', "#set($s = '" + 'a' * 60000 + "')$s.length()", expected_out='60000')
case('billion-laughs-interpolation', "#set($s = 'ha')#foreach($i in [1..64])#set($s = \"$s$s\")#end$s.length()",
     expected_error='string length limit exceeded (limit is 5242880)', cli_message='string length limit exceeded')
case('billion-laughs-concat', "#set($s = 'ha')#foreach($i in [1..64])#set($s = $s + $s)#end$s.length()",
     expected_error='string length limit exceeded (limit is 5242880)', cli_message='string length limit exceeded')
case('billion-laughs-list', "#set($l = [1])#foreach($i in [1..64])$util.qr($l.addAll($l))#end$l.size()",
     expected_error='collection size limit exceeded (limit is 1000000)', cli_message='collection size limit exceeded')
case('billion-laughs-shared-lists', "#set($l = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])#foreach($i in [1..12])#set($l = [$l, $l, $l, $l, $l, $l, $l, $l, $l, $l])#end$util.toJson($l)",
     expected_error='string length limit exceeded (limit is 5242880)', cli_message='string length limit exceeded',
     notes='A list holding the same list ten times, twelve levels deep: 10^13 elements when written out.')
case('billion-laughs-shared-render', "#set($l = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])#foreach($i in [1..12])#set($l = [$l, $l, $l, $l, $l, $l, $l, $l, $l, $l])#end$l",
     expected_error='output size (bytes) limit exceeded (limit is 5242880)', cli_message='output size (bytes) limit exceeded')
case('billion-laughs-shared-dynamodb', "#set($l = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])#foreach($i in [1..12])#set($l = [$l, $l, $l, $l, $l, $l, $l, $l, $l, $l])#end$util.dynamodb.toDynamoDBJson($l)",
     expected_error='$util.dynamodb.toDynamoDBJson: the value is too large to convert', cli_message='too large to convert')
case('billion-laughs-shared-stash', "#set($l = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])#foreach($i in [1..12])#set($l = [$l, $l, $l, $l, $l, $l, $l, $l, $l, $l])#end$util.qr($ctx.stash.put('l', $l))ok",
     expected_error='collection size limit exceeded (limit is 10000000)', cli_message='collection size limit exceeded',
     notes='The stash leaves the render as JSON; converting it is bounded.')
case('range-two-billion', "#foreach($i in [1..2000000000])#end",
     expected_error='collection size limit exceeded (limit is 1000000)', cli_message='collection size limit exceeded',
     notes='The range is refused before it is built.')
case('foreach-over-limit', "#foreach($i in [1..1001])#end",
     expected_error='#foreach iterations limit exceeded (limit is 1000)', cli_message='#foreach iterations limit exceeded',
     notes='AppSync allows 1000 iterations per #foreach.')
case('nested-loops-total', "#foreach($a in [1..1000])#foreach($b in [1..1000])#foreach($c in [1..2])#end#end#end",
     expected_error='total loop iterations limit exceeded (limit is 1000000)', cli_message='total loop iterations limit exceeded')
case('output-bomb', "#foreach($a in [1..1000])#foreach($b in [1..1000])0123456789#end#end",
     expected_error='output size (bytes) limit exceeded (limit is 5242880)', cli_message='output size (bytes) limit exceeded',
     notes="AppSync's evaluated template limit is 5 MB.")
case('define-recursion', "#define($d)$d#end$d",
     expected_error='recursion depth limit exceeded (limit is 20)', cli_message='recursion depth limit exceeded')
case('macro-recursion', "#macro(r $n)#r($n)#end#r(1)",
     expected_error='recursion depth limit exceeded (limit is 20)', profile='velocity', cli_message='recursion depth limit exceeded')
case('evaluate-recursion', "#set($c = '#evaluate($c)')#evaluate($c)",
     expected_error='recursion depth limit exceeded (limit is 20)', profile='velocity', cli_message='recursion depth limit exceeded')
case('regex-backtracking', '$util.matches("(a|aa)+\\1\\1\\1b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")',
     expected_error='$util.matches: java.lang.StackOverflowError: regular expression too complex (Error executing regex: Max limit for backtracking count exceeded)', cli_message='regular expression too complex',
     notes='A back-referencing pattern that backtracks exponentially: stopped by the backtracking limit.')
case('repeat-huge', "#set($s = 'ab')$s.repeat(2147483647)",
     expected_error='repeat on String failed: java.lang.OutOfMemoryError: Repeating string is too long', cli_message='Repeating string is too long')
case('format-width-huge', "#set($s = '')$s.format('%999999999d', 1)",
     expected_error='format on String failed: java.lang.OutOfMemoryError: format width over 1048576', cli_message='format width over')
case('replace-explosion', "#set($a = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa')#foreach($i in [1..20])#set($a = $a.replace('a', 'aaaa'))#end$a.length()",
     expected_error='string length limit exceeded (limit is 5242880)', cli_message='string length limit exceeded')
case('self-containing-toJson', "#set($l = [])$util.qr($l.add($l))$util.toJson($l)",
     expected_error='$util.toJson: the value nests too deeply to write as JSON (does a collection contain itself?)', cli_message='nests too deeply',
     notes='Jackson fails on a self-reference too.')
case('self-containing-collections', "#set($l = [])$util.qr($l.add($l))#set($m = {})$util.qr($m.put('me', $m))$l|$m|$l.size()",
     expected_out='[(this Collection)]|{me=(this Map)}|1',
     notes='Java prints "(this Collection)"; toJson stops at 200 levels. The cycles are broken when the render ends.')
case('deep-nesting-list', "#set($l = [])#foreach($a in [1..999])#foreach($b in [1..1000])#set($l = [$l])#end#end$l.size()",
     expected_out='1',
     notes='A list nested 999 999 deep. Dropping it recursed once per level and overflowed the stack (the process aborted); contents are now dropped from a work list.')
case('deep-nesting-map-view-entry',
     "#set($x = [])#foreach($a in [1..333])#foreach($b in [1..1000])#set($m = {'l': $x})#set($x = [$m.entrySet()])#end#end$x.size()#set($x = 0)|$x",
     expected_out='1|0',
     notes='Lists, maps, entry-set views and their entries nested a million deep, dropped in the middle of the render.')
case('views-of-maps-inside-themselves',
     "$util.qr($ctx.stash.put('k', $ctx.stash.keySet()))#set($m = $ctx.args)$util.qr($m.put('me', $m))$util.qr($m.put('ks', $m.keySet()))$m.me.x|#if($m.me == 'x')y#end|$util.toJson($ctx.stash)|$util.dynamodb.toMapValuesJson($ctx.stash)|$ctx.stash",
     ctx={"stash": {"a": 1}, "arguments": {"x": {"y": 1}}},
     expected_out='{y=1}||{"a":1,"k":["a","k"]}|{"a":{"N":1},"k":{"L":[{"S":"a"},{"S":"k"}]}}|{a=1, k=[a, k]}',
     notes='A map over the caller\'s JSON holding its own key set, or itself, read through: both panicked (a RefCell borrowed twice). Velocity 1.7 gives {y=1}, nothing, and {a=1, k=[a, k]} for the same reads (checked with #set in place of $util.qr).')
case('operator-chain-21k', '#set($x = 0' + '*1' * 21000 + ')$x',
     expected_error='operators in one expression limit exceeded (limit is 1000)', cli_exit=3,
     cli_message='operators in one expression limit exceeded',
     notes='Evaluating it recursed once per operator and overflowed the stack (the process aborted).')
case('define-fan-out', ''.join(['#define($d0)#end'] + ['#define($d%d)$d%d$d%d$d%d$d%d#end' % (i, i - 1, i - 1, i - 1, i - 1) for i in range(1, 16)]) + '$d15 done',
     expected_error='operations limit exceeded (limit is 10000000)', cli_message='operations limit exceeded',
     notes='4^15 block renders with no loop, no deep recursion and no output: only the operations budget bounds it (it ran for hours before there was a default).')
case('evaluate-huge-text', "#set($s = '$!a')#foreach($i in [1..20])#set($s = \"$s$s\")#end#set($l = [$s,$s,$s,$s,$s,$s,$s,$s,$s,$s,$s,$s,$s,$s,$s,$s])#evaluate($l)done",
     profile='velocity', expected_error='template size (bytes) limit exceeded (limit is 4194304)', cli_message='template size (bytes) limit exceeded',
     notes='48 MB of text to #evaluate took gigabytes to parse; it is a template, bounded like one.')
case('format-many-wide-fields', '#set($f = "%1$1000000s")#set($f = $f.repeat(3000))#set($r = $f.format($f, "x"))ok',
     expected_error='format on String failed: java.lang.OutOfMemoryError: formatted text over 67108864 bytes', cli_message='formatted text over',
     notes='Each field was bounded, their number was not: 3 GB were allocated before the string limit could apply.')
case('join-many-large-strings', '#set($s = "x")#set($s = $s.repeat(4000000))#set($l = [])#foreach($i in [1..400])$util.qr($l.add($s))#end#set($j = $s.join(",", $l))ok',
     expected_error='join on String failed: java.lang.OutOfMemoryError: Requested array size exceeds VM limit', cli_message='Requested array size exceeds VM limit')
case('split-past-collection-limit', '#set($s = "x")#set($s = $s.repeat(4000000))#set($p = $s.split(""))ok',
     expected_error='collection size limit exceeded (limit is 1000000)', cli_message='collection size limit exceeded',
     notes='Lists a method returns are held to the collection limit as the lists it is called on are.')
case('logs-past-hard-limit', '#set($s = "x")#set($s = $s.repeat(4000000))#foreach($i in [1..400])$util.log.info($s)#end ok',
     expected_error='$util.log.info: the render has logged or appended over 67108864 bytes', cli_message='the render has logged or appended over')
case('filter-containing-itself', '#set($f = {})$util.qr($f.put("not", $f))$util.transform.toDynamoDBFilterExpression($f)',
     expected_error='$util.transform.toDynamoDBFilterExpression: filters nest deeper than 200 levels', cli_message='filters nest deeper than 200 levels',
     notes='It recursed for ever and overflowed the stack (the process aborted).')
case('subscription-filter-blowup', '#set($f = {})#foreach($i in [1..24])$util.qr($f.put("f$i", {"eq": 1, "ne": 2}))#end$util.transform.toSubscriptionFilter($f)',
     expected_error='$util.transform.toSubscriptionFilter: the filter expands to more than 10000 alternatives or 100000 conditions', cli_message='the filter expands to more than 10000 alternatives',
     notes='2^24 alternatives of 24 conditions each: gigabytes before the collection limit could apply.')
case('filter-of-shared-sub-filters', '#set($g = {"f": {"eq": 1}})#foreach($i in [1..30])#set($g = {"and": [$g, $g]})#end$util.transform.toDynamoDBFilterExpression($g)',
     expected_error='$util.transform.toDynamoDBFilterExpression: the filter has more than 10000 values', cli_message='the filter has more than 10000 values',
     notes='One sub-filter used twice at each of 30 levels: 2^30 conditions to walk and write out.')
case('sort-mixed-classes', '$util.qr($ctx.args.m.sort(null))',
     ctx={"arguments": {"m": [1, 7, "7", "3", 0, "6", 0, "4", "3", "1", "0", 8, 6, "6", "8", 7, "8", 3, "7", "0", 8, "1", 4, 5]}},
     expected_error='sort on ArrayList failed: java.lang.ClassCastException: class java.lang.Integer cannot be cast to class java.lang.Comparable',
     cli_message='ClassCastException',
     notes="Integers and strings have no common order; Rust's sort panicked on the inconsistent comparisons (Java throws ClassCastException).")
case('random-within-whole-long-range', '#set($r = $util.math.randomWithinRange(-9223372036854775808, 9223372036854775807))#if($r >= -9223372036854775808)ok#end',
     expected_out='ok', notes='The span of the whole long range wrapped to 0: a division by zero.')
case('nesting-behind-stray-closers', '#if(1)}' * 9300,
     expected_error='nesting depth limit exceeded (limit is 128)', cli_exit=3, cli_message='nesting depth limit exceeded',
     notes='Any closing bracket used to lower the pre-pass count: 9300 nested #if blocks reached pest and overflowed the stack.')
case('nesting-behind-commented-ends', '#if(1)#*#end*#' * 4600,
     expected_error='nesting depth limit exceeded (limit is 128)', cli_exit=3, cli_message='nesting depth limit exceeded')
case('nesting-in-escaped-string', '#set($s = "#set($y = ' + '\\u0028' * 30000 + '")', profile='velocity',
     expected_error='in this string: nesting depth limit exceeded (limit is 128)', cli_exit=3, cli_message='nesting depth limit exceeded',
     notes='\\u0028 becomes ( only when the string is unescaped: the string is checked again then.')
case('deep-nesting-entries', '#set($e = 0)#foreach($i in [1..700])#foreach($j in [1..700])#set($m = {"k": $e})#foreach($x in $m.entrySet())#set($e = $x)#end#end#end done',
     expected_out=' done',
     notes='Map entries whose values are entries, 490 000 links: their drop recursed once per link. Entries now drop from the work list too.')
case('nesting-in-strings-in-code', '#set($a = ' + "[']'," * 10000 + ')',
     expected_error='nesting depth limit exceeded (limit is 128)', cli_exit=3, cli_message='nesting depth limit exceeded',
     notes='The ] in each string closed the [ before it in the pre-pass, so 10 000 nested lists reached pest and overflowed the stack.')
case('nul-bytes', "a\u0000b${s}\u0000", expected_out="a\u0000b${s}\u0000")
case('crlf-cr-mixture', "a\r\n#if(true)\rb\n#end\r\nc\r", expected_out="a\r\nb\nc\r")
print('ok')
