(function(){
// kbgen serve's live-reload client (src/serve/page.rs injects it). "css N": swap the
// stylesheets. A new version N: fetch this page again; when its shell key (x-kbgen-shell)
// is this page's, put the new <main> in place of the old one, keeping the scroll position;
// otherwise reload, except while the desk's edit panel holds unsaved input (the panel reloads
// the page once it is saved, src/serve/desk.js). Only our own server's page is fetched; its scripts never run (DOMParser
// marks them inert, and they and any on* attribute are removed before the swap).
var v="__VERSION__",s="__SHELL__",seq=0,busy=false;
function css(n){document.querySelectorAll('link[rel=stylesheet]').forEach(function(l){var u=new URL(l.href);u.searchParams.set('kbgen',n);l.href=u.href;});}
function reload(){if(document.querySelector('form[data-kbgen-dirty]')){document.documentElement.setAttribute('data-kbgen-reload','1');return;}location.reload();}
function clean(m){m.querySelectorAll('script').forEach(function(e){e.remove();});m.querySelectorAll('*').forEach(function(e){for(var i=e.attributes.length-1;i>=0;i--){if(/^on/i.test(e.attributes[i].name))e.removeAttribute(e.attributes[i].name);}});}
function swap(html){var m=new DOMParser().parseFromString(html,'text/html').querySelector('main'),o=document.querySelector('main');if(!m||!o)return false;clean(m);o.replaceChildren.apply(o,Array.prototype.map.call(m.childNodes,function(n){return document.importNode(n,true);}));document.dispatchEvent(new CustomEvent('kbgen:swap'));return true;}
function update(){if(busy)return;busy=true;var at=seq;fetch(location.href,{cache:'no-store',credentials:'same-origin',headers:{'x-kbgen-swap':'1'}}).then(function(r){var k=r.headers.get('x-kbgen-shell'),n=r.headers.get('x-kbgen-version');if(k!==s||!n)return reload();return r.text().then(function(t){if(!swap(t))return reload();v=n;busy=false;document.documentElement.setAttribute('data-kbgen-version',v);if(seq!==at)update();});}).catch(reload);}
function go(){var es=new EventSource("__EVENTS__");es.onmessage=function(e){var d=e.data;if(d.indexOf('css ')===0){v=d.slice(4);css(v);}else if(d!==v){seq++;update();}};es.onerror=function(){es.close();setTimeout(go,1000);};}
go();})();
