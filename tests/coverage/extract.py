#!/usr/bin/env python3
# extract.py - the formula-coverage corpus (tests/coverage/CORPUS.md) from
# clones of public repositories holding retrieved Salesforce metadata.
#
#   python3 tests/coverage/extract.py MIRRORS OUT
#
# MIRRORS holds one git repository per directory named owner+name (a
# clone, or a directory with the clone in repo/). From each one's HEAD,
# every metadata tree (a directory holding objects/) is copied under
# OUT/owner+name[/N] as it is, keeping what the importer reads for Lead,
# Contact and Account: those objects, User, PersonAccount, custom
# metadata types, custom settings and custom objects (their fields, rules
# and record types, which lookups reach); duplicate and matching
# rules; global value sets, custom permissions, labels, custom metadata
# records. OUT/SOURCES lists each repository, its commit and how many
# Lead, Contact and Account validation rules it holds.
import subprocess, os, re, sys, collections, shutil
OBJS = {'Lead','Contact','Account','User','PersonAccount'}
if len(sys.argv) != 3:
    sys.exit('usage: extract.py MIRRORS OUT')
mirrors, out = sys.argv[1], sys.argv[2]
if os.path.exists(out):
    sys.exit(f'{out} exists: give a new directory')
os.makedirs(out)
def batch(r, shas):
    p = subprocess.run(['git','-C',r,'cat-file','--batch'], input=''.join(s+'\n' for s in shas).encode(), capture_output=True).stdout
    pos = 0; res = []
    for s in shas:
        nl = p.index(b'\n', pos); hdr = p[pos:nl].split()
        if len(hdr) < 3: pos = nl + 1; res.append(None); continue
        size = int(hdr[2]); res.append(p[nl+1:nl+1+size]); pos = nl + 1 + size + 1
    return res
summary = []
for m in sorted(os.listdir(mirrors)):
    if '+' not in m: continue
    r = f'{mirrors}/{m}/repo'
    if not os.path.isdir(r): r = f'{mirrors}/{m}'
    if os.path.isdir(r + '/.git'): r += '/.git'
    head = subprocess.run(['git','-C',r,'rev-parse','HEAD'], capture_output=True).stdout.decode().strip()
    ls = subprocess.run(['git','-C',r,'ls-tree','-r','HEAD'], capture_output=True).stdout.decode(errors='replace').splitlines()
    roots = collections.defaultdict(list)
    for line in ls:
        meta, f = line.split('\t', 1); sha = meta.split()[2]
        mm = re.match(r'^(.*?/)?(objects|duplicateRules|matchingRules|globalValueSets|customPermissions|labels|customMetadata)/(.*)$', f)
        if not mm: continue
        root, kind, rest = mm.group(1) or '', mm.group(2), mm.group(3)
        if kind == 'objects':
            base = rest.split('/')[0].split('.')[0]
            keep = True if (base in OBJS or base.endswith('__mdt')) else ('CS' if (rest.endswith('.object') or rest.endswith('.object-meta.xml') or re.search(r'/(fields|validationRules|recordTypes)/', rest)) else False)
        elif kind in ('duplicateRules','matchingRules'):
            keep = rest.split('.')[0] in OBJS
        else:
            keep = True
        if keep: roots[root].append((sha, f, kind, rest, keep))
    nvr = 0
    rootlist = [x for x in sorted(roots.items()) if any(k[2]=='objects' and k[4] is True for k in x[1])]
    for i, (root, lst) in enumerate(rootlist):
        datas = batch(r, [x[0] for x in lst])
        cs = set()
        for (sha, f, kind, rest, keep), data in zip(lst, datas):
            if keep == 'CS' and data and (rest.endswith('.object') or rest.endswith('.object-meta.xml')) and (b'<customSettingsType>' in data or rest.split('/')[0].split('.')[0].endswith('__c')):
                cs.add(rest.split('/')[0].split('.')[0])
        dest = f'{out}/{m}' + (f'/{i}' if len(rootlist) > 1 else '')
        for (sha, f, kind, rest, keep), data in zip(lst, datas):
            if data is None: continue
            if keep == 'CS' and rest.split('/')[0].split('.')[0] not in cs: continue
            p = os.path.join(dest, kind, rest)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            open(p, 'wb').write(data)
            if re.match(r'(Lead|Contact|Account)/validationRules/', rest) and kind == 'objects': nvr += 1
            if kind == 'objects' and re.match(r'(Lead|Contact|Account)\.object$', rest): nvr += data.count(b'<validationRules>')
    summary.append((m, head, nvr))
    print(m, head, nvr, flush=True)
open(out + '/SOURCES', 'w').write(''.join(f'{m.replace("+","/")} {h} {n}\n' for m,h,n in summary if n))
print('total', sum(n for _,_,n in summary))

