#!/usr/bin/env python3
"""Write meteor-wordnet.txt.gz: METEOR 1.5's English synonym resources in a compact form.

The source is the meteor-1.5.jar shipped by pycocoevalcap (PyPI), whose
synonym/english.synsets and english.exceptions were built from WordNet 3.0 by METEOR's
scripts/build_wordnet_files.py. METEOR only tests synset *numbers* for equality, so each
distinct number is renumbered densely (base 36) — nothing else changes. The WordNet 3.0
licence (below) allows redistribution with its notice, which the file header carries.

Format (UTF-8, gzip): '#' lines are comments; then 'word<TAB>id id ...' (synsets of a word,
in file order); a line '%exceptions'; then 'base<TAB>form form ...' (a base form and the
inflected forms WordNet's *.exc files map to it). Run: python3 src/metrics/data/make_meteor_data.py
"""
import gzip, os, subprocess
import pycocoevalcap

HERE = os.path.dirname(os.path.abspath(__file__))
JAR = os.path.join(pycocoevalcap.__path__[0], 'meteor', 'meteor-1.5.jar')


def member(name):
    return subprocess.run(['unzip', '-p', JAR, name], capture_output=True, check=True).stdout


def b36(n):
    digits = '0123456789abcdefghijklmnopqrstuvwxyz'
    s = ''
    while True:
        n, r = divmod(n, 36)
        s = digits[r] + s
        if n == 0:
            return s


def main():
    licence = member('synonym/COPYING.WORDNET').decode('utf-8')
    # METEOR reads the synsets file with the platform charset; the file is ASCII.
    syn = member('synonym/english.synsets').decode('utf-8').split('\n')
    exc = member('synonym/english.exceptions').decode('utf-8').split('\n')
    ids = {}
    out = ['# METEOR 1.5 English synonyms (WordNet 3.0), see make_meteor_data.py']
    out += ['# ' + line for line in licence.strip().split('\n')]
    for i in range(0, len(syn) - 1, 2):
        word, sets = syn[i], syn[i + 1].split()
        out.append(word + '\t' + ' '.join(b36(ids.setdefault(int(s), len(ids))) for s in sets))
    out.append('%exceptions')
    for i in range(0, len(exc) - 1, 2):
        out.append(exc[i] + '\t' + ' '.join(exc[i + 1].split()))
    with gzip.GzipFile(os.path.join(HERE, 'meteor-wordnet.txt.gz'), 'wb', mtime=0) as g:
        g.write(('\n'.join(out) + '\n').encode('utf-8'))
    print(len(ids), 'synsets,', len(syn) // 2, 'words,', len(exc) // 2, 'exception bases')


if __name__ == '__main__':
    main()
