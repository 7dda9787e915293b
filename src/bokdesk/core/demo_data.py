"""Word lists for the demo desk: names, companies, subjects and canned answers (PL and EN)."""

from __future__ import annotations

PL_FIRST_F = [
    "Anna",
    "Katarzyna",
    "Małgorzata",
    "Agnieszka",
    "Barbara",
    "Ewa",
    "Krystyna",
    "Magdalena",
    "Joanna",
    "Zofia",
    "Monika",
    "Aleksandra",
    "Natalia",
    "Dorota",
    "Beata",
    "Jadwiga",
    "Grażyna",
    "Urszula",
]
PL_FIRST_M = [
    "Piotr",
    "Krzysztof",
    "Andrzej",
    "Tomasz",
    "Paweł",
    "Michał",
    "Marcin",
    "Grzegorz",
    "Jakub",
    "Łukasz",
    "Adam",
    "Marek",
    "Wojciech",
    "Zbigniew",
    "Jerzy",
    "Mateusz",
    "Dariusz",
    "Sławomir",
]
PL_LAST = [
    ("Nowak", "Nowak"),
    ("Kowalski", "Kowalska"),
    ("Wiśniewski", "Wiśniewska"),
    ("Wójcik", "Wójcik"),
    ("Kowalczyk", "Kowalczyk"),
    ("Kamiński", "Kamińska"),
    ("Lewandowski", "Lewandowska"),
    ("Zieliński", "Zielińska"),
    ("Szymański", "Szymańska"),
    ("Woźniak", "Woźniak"),
    ("Dąbrowski", "Dąbrowska"),
    ("Kozłowski", "Kozłowska"),
    ("Jankowski", "Jankowska"),
    ("Mazur", "Mazur"),
    ("Krawczyk", "Krawczyk"),
    ("Piotrowski", "Piotrowska"),
    ("Grabowski", "Grabowska"),
    ("Pawłowski", "Pawłowska"),
    ("Michalski", "Michalska"),
    ("Król", "Król"),
    ("Wieczorek", "Wieczorek"),
    ("Jabłoński", "Jabłońska"),
]
EN_FIRST = [
    "James",
    "Emily",
    "Oliver",
    "Sophie",
    "Daniel",
    "Hannah",
    "Thomas",
    "Charlotte",
    "George",
    "Amelia",
    "Jack",
    "Grace",
    "Liam",
    "Olivia",
]
EN_LAST = [
    "Smith",
    "Johnson",
    "Taylor",
    "Brown",
    "Wilson",
    "Evans",
    "Walker",
    "Wright",
    "Robinson",
    "Thompson",
    "Hughes",
    "Clarke",
]
COMPANIES = [
    "Piekarnia Złoty Kłos",
    "Auto-Serwis Kraśnik",
    "Biuro Rachunkowe Bilans",
    "Hotel Pod Lipami",
    "Drukarnia Atrament",
    "Apteka Pod Orłem",
    "Northwind Ltd",
    "Kancelaria Lex",
    "Sklep Rowerowy Szprycha",
    "Przychodnia Zdrowie",
]
MAIL_DOMAINS_PL = ["wp.pl", "onet.pl", "gmail.com", "o2.pl", "interia.pl", "poczta.fm"]
MAIL_DOMAINS_EN = ["gmail.com", "outlook.com", "example.co.uk", "yahoo.com"]

# (category, priority weight hint, Polish subject, English subject, Polish body, English body)
TOPICS = [
    (
        "question",
        "normal",
        "Pytanie o termin dostawy zamówienia",
        "Question about my order's delivery date",
        "Dzień dobry, kiedy mogę się spodziewać dostawy zamówienia złożonego w zeszłym tygodniu?",
        "Hello, when can I expect delivery of the order I placed last week?",
    ),
    (
        "question",
        "low",
        "Jak zmienić adres do faktury?",
        "How do I change my billing address?",
        "Proszę o informację, jak zmienić adres na fakturze. Przeprowadziliśmy się.",
        "Could you tell me how to change the address on my invoices? We have moved.",
    ),
    (
        "problem",
        "high",
        "Nie mogę zalogować się do konta",
        "Cannot log in to my account",
        "Od wczoraj nie mogę się zalogować, system pokazuje błąd hasła, choć hasło jest poprawne.",
        "Since yesterday I cannot log in; it says my password is wrong although it is correct.",
    ),
    (
        "problem",
        "urgent",
        "Płatność pobrana dwa razy",
        "Payment taken twice",
        "Z mojego konta zostały pobrane dwie płatności za to samo zamówienie. Proszę o pilny zwrot.",
        "I have been charged twice for the same order. Please refund the duplicate urgently.",
    ),
    (
        "problem",
        "normal",
        "Aplikacja zawiesza się przy wysyłaniu formularza",
        "App freezes when I submit the form",
        "Aplikacja zawiesza się za każdym razem, gdy próbuję wysłać formularz zgłoszenia.",
        "The app freezes every time I try to submit the request form.",
    ),
    (
        "complaint",
        "high",
        "Reklamacja: uszkodzony towar",
        "Complaint: damaged goods",
        "Składam reklamację. Paczka dotarła uszkodzona, produkt ma pęknięcie obudowy. W załączeniu zdjęcia.",
        "I am filing a complaint. The parcel arrived damaged and the product's casing is cracked.",
    ),
    (
        "complaint",
        "normal",
        "Reklamacja faktury za październik",
        "Complaint about the October invoice",
        "Faktura za październik zawiera usługę, której nie zamawiałem. Proszę o korektę.",
        "The October invoice includes a service I never ordered. Please correct it.",
    ),
    (
        "request",
        "normal",
        "Prośba o duplikat faktury",
        "Request for a duplicate invoice",
        "Proszę o przesłanie duplikatu faktury za wrzesień.",
        "Please send me a duplicate of September's invoice.",
    ),
    (
        "request",
        "low",
        "Rezygnacja z newslettera",
        "Unsubscribe from the newsletter",
        "Proszę o wypisanie mnie z newslettera.",
        "Please remove me from the newsletter.",
    ),
    (
        "incident",
        "urgent",
        "Strona z płatnościami nie działa",
        "Payment page is down",
        "Od godziny nie da się zapłacić kartą na stronie, pojawia się błąd 500.",
        "For an hour card payments on the website fail with an error 500.",
    ),
    (
        "feedback",
        "low",
        "Podziękowanie za szybką pomoc",
        "Thanks for the quick help",
        "Chciałam podziękować pani Oli za szybką i miłą obsługę.",
        "Just wanted to thank your team for the quick help.",
    ),
]

AGENT_REPLIES_PL = [
    "Dzień dobry, dziękujemy za wiadomość. Sprawdziliśmy zgłoszenie i już się nim zajmujemy.",
    "Dzień dobry, zamówienie zostało przekazane kurierowi, numer przesyłki wysłaliśmy e-mailem.",
    "Dzień dobry, zwrot nadpłaty zlecimy dziś, środki wrócą na konto w ciągu 3 dni roboczych.",
    "Dzień dobry, czy mogą Państwo przesłać zrzut ekranu z komunikatem błędu?",
    "Dzień dobry, hasło zostało zresetowane, link do ustawienia nowego wysłaliśmy na adres e-mail.",
]
AGENT_REPLIES_EN = [
    "Hello, thank you for your message. We have checked your request and are on it.",
    "Hello, your order is with the courier; we have e-mailed you the tracking number.",
    "Hello, we will refund the duplicate payment today; it takes up to 3 working days.",
    "Hello, could you send us a screenshot of the error message?",
]
CUSTOMER_FOLLOWUPS_PL = [
    "Dziękuję, w załączeniu zrzut ekranu.",
    "Nadal nie działa, proszę o kontakt telefoniczny.",
    "Dziękuję, wszystko już w porządku.",
]
CUSTOMER_FOLLOWUPS_EN = [
    "Thanks, screenshot attached.",
    "Still not working, please call me.",
    "Thanks, all sorted now.",
]
NOTES = [
    "Klient dzwonił wcześniej w tej sprawie.",
    "Sprawdzone w systemie płatności: podwójne obciążenie potwierdzone.",
    "VIP – odpowiadać priorytetowo.",
    "Czekamy na informację z magazynu.",
]
CALL_LOGS = [
    "Rozmowa telefoniczna: klient pytał o status zamówienia, wyjaśniłam i podałam numer przesyłki.",
    "Klient zgłosił problem z logowaniem, zresetowałam hasło w trakcie rozmowy.",
    "Wizyta w biurze: klient odebrał duplikat faktury.",
]
HANDOVER_NOTES = [
    "Błąd po stronie aplikacji, proszę o analizę logów z 14:20.",
    "Klient potwierdził, że problem występuje na Androidzie 14; zrzuty ekranu w wątku.",
]

# Polish letters greet with a plain "Dzień dobry,": a first name in the nominative ("Dzień dobry Katarzyna")
# reads as a mistake, and the vocative cannot be filled in from a name. English ones greet by name.
CANNED = [
    (
        "Powitanie",
        "powitanie",
        "pl",
        None,
        "Dzień dobry,\n\ndziękujemy za kontakt z {{desk_name}}. "
        "Zgłoszenie otrzymało numer #{{ticket_number}}.\n\nPozdrawiam,\n{{agent_name}}",
    ),
    (
        "Greeting",
        "greeting",
        "en",
        None,
        "Hello {{customer_first_name}},\n\nthank you for contacting {{desk_name}}. "
        "Your request is number #{{ticket_number}}.\n\nKind regards,\n{{agent_name}}",
    ),
    (
        "Reset hasła",
        "reset-hasla",
        "pl",
        "problem",
        "Dzień dobry,\n\nhasło zostało zresetowane. Link do ustawienia nowego hasła wysłaliśmy "
        "e-mailem; jest ważny 24 godziny.\n\nPozdrawiam,\n{{agent_name}}",
    ),
    (
        "Password reset",
        "password-reset",
        "en",
        "problem",
        "Hello {{customer_name}},\n\nwe have reset your password. The link to set a new one is in your inbox and "
        "is valid for 24 hours.\n\nKind regards,\n{{agent_name}}",
    ),
    (
        "Reklamacja przyjęta",
        "reklamacja-ok",
        "pl",
        "complaint",
        "Dzień dobry,\n\ninformujemy, że reklamacja w sprawie „{{ticket_subject}}” została "
        "uznana. Zwrot środków nastąpi w ciągu 14 dni.\n\nZ poważaniem,\n{{agent_name}}",
    ),
    (
        "Reklamacja odrzucona",
        "reklamacja-nie",
        "pl",
        "complaint",
        "Dzień dobry,\n\npo analizie zgłoszenia #{{ticket_number}} reklamacja nie może zostać "
        "uznana, ponieważ ...\n\nZ poważaniem,\n{{agent_name}}",
    ),
    (
        "Complaint accepted",
        "complaint-ok",
        "en",
        "complaint",
        'Hello {{customer_name}},\n\nyour complaint about "{{ticket_subject}}" has been accepted. We will refund '
        "you within 14 days.\n\nKind regards,\n{{agent_name}}",
    ),
    (
        "Status przesyłki",
        "przesylka",
        "pl",
        "question",
        "Dzień dobry,\n\nprzesyłka została nadana. Numer do śledzenia przesłaliśmy SMS-em.\n\nPozdrawiam,\n{{agent_name}}",
    ),
    (
        "Prośba o zrzut ekranu",
        "zrzut",
        "pl",
        "problem",
        "Dzień dobry,\n\nczy może Pan/Pani przesłać zrzut ekranu z komunikatem błędu? Pomoże nam to szybciej "
        "rozwiązać problem.\n\nPozdrawiam,\n{{agent_name}}",
    ),
    (
        "Duplicate invoice",
        "invoice-copy",
        "en",
        "request",
        "Hello {{customer_first_name}},\n\nplease find the duplicate invoice attached.\n\nKind regards,\n{{agent_name}}",
    ),
]

AGENTS = [
    ("ola", "Aleksandra Nowak", "agent", "BOK Warszawa"),
    ("kasia", "Katarzyna Zielińska", "agent", "BOK Warszawa"),
    ("piotr", "Piotr Kamiński", "agent", "BOK Warszawa"),
    ("ewa", "Ewa Dąbrowska", "agent", "BOK Warszawa"),
    ("marek", "Marek Wiśniewski", "supervisor", "BOK Warszawa"),
    ("tomek", "Tomasz Lewandowski", "agent", "Developers"),
    ("julia", "Julia Mazur", "agent", "Developers"),
]
